/**
 * Encoded payloads: base64 (standard or URL-safe), hex and `\xNN` runs long enough to carry a
 * sentence. A model decodes them without being asked; a person sees noise. Only runs that decode
 * to readable text are reported, so hashes, keys and images stay quiet.
 */
import { bytesToText, decodeBase64, decodeHex, isReadableText } from './encoding';
import { excerpt, makeFinding } from './finding';
import { findSensitivePaths } from './sensitive-paths';
import { candidateRules, COMMENT_DIRECTIVE } from './phrases';
import { profileOf } from './words';
import type { Finding } from '../types';

/** 20 characters of base64 carry 15 bytes, about three short words. */
const BASE64_RUN = /[A-Za-z0-9+/_-]{20,}={0,2}/g;
const HEX_RUN = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){12,}(?![0-9A-Fa-f])/g;
const ESCAPED_HEX_RUN = /(?:\\x[0-9A-Fa-f]{2}){8,}/g;
const ALL_HEX = /^[0-9A-Fa-f]+$/;
/** More payloads than this in one string add nothing for a person. */
const MAX_FINDINGS = 20;

function decodeRun(run: string, encoding: 'base64' | 'hex' | 'escaped-hex'): string | undefined {
  if (encoding === 'escaped-hex') return bytesToText(decodeHex(run.replace(/\\x/g, '')));
  if (encoding === 'hex') return bytesToText(decodeHex(run));
  return bytesToText(decodeBase64(run));
}

/** Whether decoded text tells the model to do something rather than merely saying something. */
export function readsAsInstruction(text: string): boolean {
  if (COMMENT_DIRECTIVE.test(text)) return true;
  if (findSensitivePaths(text).length > 0) return true;
  return candidateRules(profileOf(text)).some(({ pattern, grade }) => {
    if (grade === 'signal') return false;
    pattern.lastIndex = 0;
    return pattern.test(text);
  });
}

const NAMES = { base64: 'A base64 string', hex: 'A hex string', 'escaped-hex': 'A run of \\x escapes' } as const;

/** `encoded-payload` findings for one string. */
/** Whether the text has 20 base64 characters in a row, or a `\x` escape: what every pattern here needs. */
function mayHoldPayload(text: string): boolean {
  if (text.includes('\\x')) return true;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const base64 = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 43 || code === 47 || code === 95 || code === 45;
    run = base64 ? run + 1 : 0;
    if (run >= 20) return true;
  }
  return false;
}

export function scanEncoded(text: string, path: string): Finding[] {
  if (text.length < 20 || !mayHoldPayload(text)) return [];
  const findings: Finding[] = [];
  const seen: Array<{ start: number; end: number }> = [];
  const candidates: Array<[RegExp, 'base64' | 'hex' | 'escaped-hex']> = [
    [ESCAPED_HEX_RUN, 'escaped-hex'],
    [HEX_RUN, 'hex'],
    [BASE64_RUN, 'base64'],
  ];
  for (const [pattern, encoding] of candidates) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match && findings.length < MAX_FINDINGS; match = pattern.exec(text)) {
      const span = { start: match.index, end: match.index + match[0].length };
      if (seen.some((other) => other.start <= span.start && span.end <= other.end)) continue;
      if (encoding === 'base64' && ALL_HEX.test(match[0])) continue; // read as hex above
      const decoded = decodeRun(match[0], encoding);
      if (!isReadableText(decoded)) continue;
      seen.push(span);
      const instruction = readsAsInstruction(decoded);
      const message = instruction
        ? `${NAMES[encoding]} decodes to instructions the model can read but a person cannot: “${excerpt(decoded)}”.`
        : `${NAMES[encoding]} decodes to readable text a person cannot see at a glance: “${excerpt(decoded)}”.`;
      findings.push(makeFinding('encoded-payload', instruction ? 'high' : 'warn', path, message, { span, decoded }));
    }
  }
  return findings;
}
