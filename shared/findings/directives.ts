/**
 * Turns the phrase rules' matches in one string into findings: collects the signals (rule
 * matches, other servers' tool names, comments, instruction-shaped schema values), then judges
 * each one by the company it keeps (see `phrases.ts` for the grading).
 */
import type { PreparedContext } from './context';
import { excerpt, isValueRole, makeFinding, type StringRole } from './finding';
import { candidateRules, COMMENT, COMMENT_DIRECTIVE, VALUE_DIRECTIVE, type SignalClass } from './phrases';
import { profileOf, type Profile } from './words';
import type { Finding, FindingKind, Severity } from '../types';

type SignalName = SignalClass | 'named-tool' | 'comment' | 'value-directive';

interface Signal {
  signal: SignalName;
  kind?: FindingKind;
  grade: 'high' | 'escalate' | 'quiet' | 'signal' | 'info';
  start: number;
  end: number;
  message: string;
}

/** Starts only where a word starts, so a long run of letters is read once, not once per letter. */
const COMPOUND_IDENTIFIER = /(?<![A-Za-z0-9_.-])(?:[A-Za-z0-9]+(?:[_.-][A-Za-z0-9]+)+|[a-z0-9]+(?:[A-Z][a-z0-9]*)+)/g;
const CODE_QUOTE = /[`'"]/;
const TOOL_WORD_AFTER = /[`'"]?\s+(?:tool|function|command)\b/iy;
/** Matches of one rule, or mentions of tools, beyond which one string tells a person nothing new. */
const MAX_SIGNALS = 20;
const WORD = /\p{L}{2,}/gu;
const OPEN_TAG_NAME = /^<\s*([a-z]+)/i;

function namedToolSignal(name: string, start: number): Signal {
  return {
    signal: 'named-tool',
    kind: 'cross-tool-reference',
    grade: 'escalate',
    start,
    end: start + name.length,
    message: `Names “${excerpt(name)}”, a tool of another server; a tool's description has no business steering another server's tools.`,
  };
}

/** Other servers' tools named in the text. Plain words (`search`) count only when quoted or called a tool. */
function namedTools(text: string, context: PreparedContext, profile: Profile): Signal[] {
  const signals: Signal[] = [];
  if (context.compoundTools.size > 0) {
    COMPOUND_IDENTIFIER.lastIndex = 0;
    for (let match = COMPOUND_IDENTIFIER.exec(text); match && signals.length < MAX_SIGNALS; match = COMPOUND_IDENTIFIER.exec(text)) {
      if (context.compoundTools.has(match[0]) && match[0] !== context.ownName) signals.push(namedToolSignal(match[0], match.index));
    }
  }
  if (context.plainTools.size > 0) {
    for (const word of new Set(profile.words)) {
      const name = context.plainTools.get(word);
      if (name === undefined || name === context.ownName) continue;
      for (let start = text.indexOf(name); start >= 0 && signals.length < MAX_SIGNALS; start = text.indexOf(name, start + 1)) {
        const end = start + name.length;
        const wholeWord = !/[A-Za-z0-9_]/.test(text[start - 1] ?? '') && !/[A-Za-z0-9_]/.test(text[end] ?? '');
        TOOL_WORD_AFTER.lastIndex = end;
        if (wholeWord && (CODE_QUOTE.test(text[start - 1] ?? '') || TOOL_WORD_AFTER.test(text))) signals.push(namedToolSignal(name, start));
      }
    }
  }
  return signals;
}

function commentSignals(text: string): Signal[] {
  if (!text.includes('<!--') && !text.includes(']:')) return [];
  const signals: Signal[] = [];
  COMMENT.lastIndex = 0;
  for (let match = COMMENT.exec(text); match && signals.length < MAX_SIGNALS; match = COMMENT.exec(text)) {
    if (match[0].length === 0) {
      COMMENT.lastIndex++;
      continue;
    }
    const body = (match[1] ?? match[2] ?? '').trim();
    const span = { start: match.index, end: match.index + match[0].length };
    if (COMMENT_DIRECTIVE.test(body)) {
      signals.push({ signal: 'comment', kind: 'hidden-instruction', grade: 'high', ...span, message: 'A comment, invisible once the text is rendered, carries instructions for the model.' });
    } else if ((body.match(WORD)?.length ?? 0) >= 3) {
      signals.push({ signal: 'comment', kind: 'hidden-instruction', grade: 'info', ...span, message: 'A comment hides text from the rendered view that the model still reads.' });
    }
  }
  return signals;
}

/** Stretches an opening pseudo-tag (`<IMPORTANT>`) over the block it opens, up to its closing tag. */
function coverBlock(text: string, signal: Signal): Signal {
  const name = OPEN_TAG_NAME.exec(text.slice(signal.start, signal.end))?.[1];
  if (!name) return signal;
  const close = new RegExp(`<\\s*\\/\\s*${name}\\s*>`, 'i').exec(text.slice(signal.end));
  return close ? { ...signal, end: signal.end + close.index + close[0].length } : signal;
}

function collectSignals(text: string, role: StringRole, context: PreparedContext, profile: Profile): Signal[] {
  const signals: Signal[] = [];
  for (const rule of candidateRules(profile)) {
    rule.pattern.lastIndex = 0;
    let matches = 0;
    for (let match = rule.pattern.exec(text); match && matches++ < MAX_SIGNALS; match = rule.pattern.exec(text)) {
      if (match[0].length === 0) {
        rule.pattern.lastIndex++;
        continue;
      }
      const signal: Signal = { signal: rule.signal, grade: rule.grade, start: match.index, end: match.index + match[0].length, message: rule.message };
      if (rule.kind) signal.kind = rule.kind;
      signals.push(rule.signal === 'markup' ? coverBlock(text, signal) : signal);
    }
  }
  signals.push(...namedTools(text, context, profile), ...commentSignals(text));
  if (isValueRole(role) && VALUE_DIRECTIVE.test(text) && (text.match(WORD)?.length ?? 0) >= 5) {
    signals.push({
      signal: 'value-directive',
      kind: 'hidden-instruction',
      grade: 'escalate',
      start: 0,
      end: text.length,
      message: 'A value the schema offers reads as an instruction; the model may follow it or send it on.',
    });
  }
  return signals;
}

const DIRECTIVES: ReadonlySet<SignalName> = new Set(['addressed', 'precondition', 'steering', 'whenever', 'tool-call', 'override', 'concealment', 'value-directive']);
const REACHES_ACROSS: ReadonlySet<SignalName> = new Set(['named-tool', 'cross-server']);
const STEERS: ReadonlySet<SignalName> = new Set(['steering', 'whenever', 'precondition', 'addressed', 'tool-call', 'concealment', 'override']);

/**
 * A signal's severity from the company it keeps in the same string: `high` rules stand alone;
 * `escalate` rules are high beside anything high, an outside address, a secret file to read or an
 * encoded instruction (`damningOutside`), or when they reach into other servers' tools while
 * giving orders, or when three kinds of directive pile up; `quiet` ones rise to a warning only
 * beside another directive.
 */
function judge(signal: Signal, all: Signal[], damningOutside: boolean): Severity {
  if (signal.grade === 'high') return 'high';
  if (signal.grade === 'info') return 'info';
  const others = all.filter((other) => other !== signal);
  if (signal.grade === 'quiet') return others.some((other) => other.grade !== 'quiet' && other.grade !== 'info' && DIRECTIVES.has(other.signal)) ? 'warn' : 'info';
  if (damningOutside || others.some((other) => other.grade === 'high' || other.signal === 'exfil-destination')) return 'high';
  // Reaching into other servers' tools while giving orders is shadowing.
  const reaches = all.some((s) => REACHES_ACROSS.has(s.signal));
  if (reaches && all.some((s) => STEERS.has(s.signal) && s !== signal) && (REACHES_ACROSS.has(signal.signal) || signal.kind === 'cross-tool-reference')) return 'high';
  const escalating = new Set(all.filter((s) => s.grade === 'escalate').map((s) => s.signal));
  return escalating.size >= 3 ? 'high' : 'warn';
}

/** A marked-out block (`<IMPORTANT>…</IMPORTANT>`, a comment) already reports what is inside it. */
function insideBlock(signal: Signal, signals: Signal[]): boolean {
  return signals.some(
    (block) =>
      block !== signal &&
      (block.signal === 'markup' || block.signal === 'comment') &&
      block.grade === 'high' &&
      block.kind === signal.kind &&
      block.start <= signal.start &&
      signal.end <= block.end &&
      block.end - block.start > signal.end - signal.start,
  );
}

/** Phrase findings in the coordinates of `text`. */
export function scanPhrases(text: string, path: string, role: StringRole, context: PreparedContext, damningOutside: boolean, profile = profileOf(text)): Finding[] {
  const signals = collectSignals(text, role, context, profile);
  const findings: Finding[] = [];
  for (const signal of signals) {
    if (signal.grade === 'signal' || !signal.kind || insideBlock(signal, signals)) continue;
    let severity = judge(signal, signals, damningOutside);
    // Server instructions exist to instruct the model: orders there are expected unless something damning rides along.
    if (role === 'instructions' && severity === 'warn' && signal.grade === 'escalate') severity = 'info';
    findings.push(makeFinding(signal.kind, severity, path, signal.message, { span: { start: signal.start, end: signal.end } }));
  }
  return findings;
}
