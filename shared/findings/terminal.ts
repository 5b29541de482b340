/**
 * Terminal escape sequences (CSI, OSC, DCS and friends, 7-bit and C1 forms) and the other
 * control characters a terminal acts on. In a description they restyle, hide or overwrite
 * text, plant links whose target differs from what is shown, or write to the clipboard.
 */
import { decodeBase64, bytesToText } from './encoding';
import { excerpt, isNameRole, makeFinding, type StringRole } from './finding';
import type { Finding, Severity } from '../types';

export interface TerminalSequence {
  start: number;
  end: number;
}

/**
 * One alternative per sequence family. Every quantified class is disjoint from what follows it,
 * and string bodies stop at their terminator, so matching stays linear.
 */
const TERMINAL_SEQUENCE = new RegExp(
  [
    '(?:\\x1b\\[|\\x9b)[\\x30-\\x3f]*[\\x20-\\x2f]*[\\x40-\\x7e]?', // CSI
    '(?:\\x1b\\]|\\x9d)[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?', // OSC, ended by BEL or ST
    '(?:\\x1b[PX^_]|[\\x90\\x98\\x9e\\x9f])[^\\x1b\\x9c]*(?:\\x1b\\\\|\\x9c)?', // DCS, SOS, PM, APC
    '\\x1b[\\x20-\\x2f]*[\\x30-\\x7e]?', // any other escape
    '[\\x80-\\x9f]', // a lone C1 control
  ].join('|'),
  'g',
);

const HAS_TERMINAL_CONTROL = /[\x1b\x80-\x9f]/;
const OTHER_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]|\r(?!\n)/g;
const HAS_OTHER_CONTROL = new RegExp(OTHER_CONTROL.source);

/** More sequences than this in one string add nothing for a person. */
const MAX_FINDINGS = 20;
const CURSOR_OR_ERASE = new Set('ABCDEFGHJKSTfdsu'.split(''));

export function terminalSequences(text: string): TerminalSequence[] {
  if (!HAS_TERMINAL_CONTROL.test(text)) return [];
  const sequences: TerminalSequence[] = [];
  TERMINAL_SEQUENCE.lastIndex = 0;
  for (let match = TERMINAL_SEQUENCE.exec(text); match; match = TERMINAL_SEQUENCE.exec(text)) {
    sequences.push({ start: match.index, end: match.index + match[0].length });
  }
  return sequences;
}

/** SGR parameters, skipping the colour arguments of 38/48/58 so that `38;5;8` is not read as "conceal". */
function sgrConceals(parameters: string): boolean {
  const values = parameters.split(/[;:]/);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === '38' || value === '48' || value === '58') {
      i += values[i + 1] === '5' ? 2 : 4;
      continue;
    }
    if (value === '8') return true;
  }
  return false;
}

function hostOf(uri: string): string {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]*)/i.exec(uri)?.[1] ?? '';
  return authority.slice(authority.lastIndexOf('@') + 1) || uri;
}

interface Reading {
  severity: Severity;
  message: string;
  decoded?: string;
}

function readSequence(sequence: string): Reading {
  const introducer = sequence.charCodeAt(0) === 0x1b ? sequence.slice(0, 2) : sequence[0]!;
  const body = sequence.slice(introducer.length);
  if (introducer === '\x1b[' || introducer === '\x9b') {
    const final = body.at(-1) ?? '';
    if (final === 'm') {
      if (sgrConceals(body.slice(0, -1))) return { severity: 'high', message: 'A terminal escape (SGR 8, conceal) hides the text that follows from a person reading in a terminal.' };
      return { severity: 'warn', message: 'A terminal escape restyles the text; descriptions have no reason to carry one.' };
    }
    if (CURSOR_OR_ERASE.has(final)) return { severity: 'high', message: 'A terminal escape moves the cursor or erases, so text a person saw can be overwritten.' };
    return { severity: 'warn', message: 'A terminal control sequence (CSI) is embedded in the text.' };
  }
  if (introducer === '\x1b]' || introducer === '\x9d') {
    const content = body.replace(/(?:\x07|\x1b\\|\x9c)$/, '');
    const command = content.split(';', 1)[0];
    if (command === '8') {
      const target = content.split(';').slice(2).join(';');
      if (!target) return { severity: 'warn', message: 'A terminal hyperlink ends here.' };
      return { severity: 'high', message: `A terminal hyperlink sends a click to ${excerpt(hostOf(target))}, whatever text it shows.`, decoded: target };
    }
    if (command === '52') {
      const payload = content.split(';').slice(2).join(';');
      const text = payload ? bytesToText(decodeBase64(payload)) : undefined;
      return { severity: 'high', message: 'A terminal escape (OSC 52) writes to the clipboard, so a later paste carries what the server chose.', ...(text ? { decoded: text } : {}) };
    }
    if (command === '0' || command === '1' || command === '2') return { severity: 'warn', message: 'A terminal escape sets the window title.' };
    return { severity: 'warn', message: 'A terminal control string (OSC) is embedded in the text.' };
  }
  if (/^(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])$/.test(introducer)) return { severity: 'warn', message: 'A terminal control string (DCS, SOS, PM or APC) is embedded in the text.' };
  if (introducer.charCodeAt(0) >= 0x80) return { severity: 'warn', message: 'A C1 control character, which terminals act on, is embedded in the text.' };
  return { severity: 'warn', message: 'A terminal escape character (ESC) is embedded in the text.' };
}

/** `ansi-escape` findings: one per sequence that hides or redirects, one for the merely cosmetic ones. */
export function scanTerminal(text: string, path: string, role: StringRole): Finding[] {
  const findings: Finding[] = [];
  if (!HAS_TERMINAL_CONTROL.test(text) && !HAS_OTHER_CONTROL.test(text)) return findings;
  let cosmetic: { first: TerminalSequence; count: number } | undefined;
  for (const sequence of terminalSequences(text)) {
    const reading = readSequence(text.slice(sequence.start, sequence.end));
    const severity = isNameRole(role) ? 'high' : reading.severity;
    const span = { start: sequence.start, end: sequence.end };
    if (severity === 'high') {
      if (findings.length >= MAX_FINDINGS) continue;
      findings.push(makeFinding('ansi-escape', severity, path, reading.message, { span, ...(reading.decoded !== undefined ? { decoded: reading.decoded } : {}) }));
    } else if (cosmetic) cosmetic.count++;
    else cosmetic = { first: sequence, count: 1 };
  }
  if (cosmetic) {
    const { first, count } = cosmetic;
    const message = count === 1 ? readSequence(text.slice(first.start, first.end)).message : `${count} terminal escape sequences restyle or control the text; the first is here.`;
    findings.push(makeFinding('ansi-escape', 'warn', path, message, { span: { start: first.start, end: first.end } }));
  }
  // Controls inside an escape sequence (the BEL that ends an OSC) belong to it.
  const inSequence = new Uint8Array(text.length);
  for (const sequence of terminalSequences(text)) inSequence.fill(1, sequence.start, sequence.end);
  const controls = [...text.matchAll(OTHER_CONTROL)].filter((match) => !inSequence[match.index]);
  if (controls.length > 0) {
    const first = controls[0]!;
    const overwrites = controls.some((match) => match[0] === '\b' || match[0] === '\r');
    const message = overwrites
      ? 'A backspace or carriage return lets later text overwrite earlier text in a terminal.'
      : `${controls.length === 1 ? 'A control character' : `${controls.length} control characters`} (U+${first[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}${controls.length === 1 ? '' : ' and others'}) ${controls.length === 1 ? 'sits' : 'sit'} in the text.`;
    findings.push(makeFinding('ansi-escape', isNameRole(role) ? 'high' : 'warn', path, message, { span: { start: first.index, end: first.index + first[0].length } }));
  }
  return findings;
}
