/**
 * Characters a person cannot see but a model reads: Unicode tag characters (decoded, since they
 * spell ASCII), bidirectional controls, zero-width and other format characters, variation
 * selectors outside emoji (decoded, since runs of them can carry bytes), soft hyphens, BOMs and
 * filler characters. Emoji sequences and the joiners some scripts need are left alone.
 */
import { decodeTagRun, isBidiControl, isHiddenCharacter, isTagCharacter, isVariationSelector } from '../visible';
import { bytesToText, isReadableText } from './encoding';
import { excerpt, isNameRole, makeFinding, type StringRole } from './finding';
import type { Finding, Severity } from '../types';

const MAYBE_HIDDEN = /[^\x00-\x7f]/;
const EMOJI = /\p{Extended_Pictographic}/u;
const EMOJI_BASE = /\p{Emoji}/u;
const HAN = /\p{Script=Han}/u;
const SPACE_OR_LINE = /[\p{Zs}\p{Zl}\p{Zp}]/u;
/** Letters of scripts that use ZWJ/ZWNJ in ordinary writing (Arabic, Persian, the Indic scripts…). */
const JOINING_SCRIPT_LETTER = /[\p{L}\p{M}]/u;
const LATIN_OR_COMMON = /[\p{Script=Latin}\p{Script=Common}]/u;
const RIGHT_TO_LEFT = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;

/** More runs than this in one string add nothing for a person. */
const MAX_FINDINGS = 20;
const BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;
const LANGUAGE_TAG = 0xe0001;

type Category = 'tag' | 'override' | 'embedding' | 'mark' | 'variation' | 'invisible' | 'soft-hyphen' | 'bom' | 'space';

function hex(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

function categoryOf(codePoint: number, role: StringRole): Category | undefined {
  if (codePoint < 0xa0) return undefined; // ASCII and C1 controls belong to the terminal scan
  if (isTagCharacter(codePoint)) return 'tag';
  if (codePoint === 0x202d || codePoint === 0x202e) return 'override';
  if (isBidiControl(codePoint)) return codePoint === 0x200e || codePoint === 0x200f || codePoint === 0x061c ? 'mark' : 'embedding';
  if (isVariationSelector(codePoint)) return 'variation';
  if (!isHiddenCharacter(codePoint)) return undefined;
  if (codePoint === 0xad) return 'soft-hyphen';
  if (codePoint === 0xfeff) return 'bom';
  if (SPACE_OR_LINE.test(String.fromCodePoint(codePoint))) return isNameRole(role) ? 'space' : undefined;
  return 'invisible';
}

interface CodePointAt {
  codePoint: number;
  index: number;
  category: Category | undefined;
}

function codePointsOf(text: string, role: StringRole): CodePointAt[] {
  const points: CodePointAt[] = [];
  for (let i = 0; i < text.length; ) {
    const codePoint = text.codePointAt(i)!;
    points.push({ codePoint, index: i, category: categoryOf(codePoint, role) });
    i += codePoint > 0xffff ? 2 : 1;
  }
  return points;
}

function characterAt(points: CodePointAt[], position: number): string {
  const point = points[position];
  return point ? String.fromCodePoint(point.codePoint) : '';
}

/** The last visible character before `position`, looking past a few variation selectors and skin tones. */
function visibleBefore(points: CodePointAt[], position: number): string {
  for (let k = position - 1; k >= Math.max(0, position - 4); k--) {
    const { codePoint } = points[k]!;
    if (isVariationSelector(codePoint) || (codePoint >= 0x1f3fb && codePoint <= 0x1f3ff)) continue;
    return String.fromCodePoint(codePoint);
  }
  return '';
}

/** Whether a hidden character is doing an ordinary job where it stands. */
function isExpected(points: CodePointAt[], position: number): boolean {
  const { codePoint, category } = points[position]!;
  if (codePoint === 0x200d || codePoint === 0x200c) {
    const before = visibleBefore(points, position);
    const after = characterAt(points, position + 1);
    if (codePoint === 0x200d && EMOJI.test(before) && EMOJI.test(after)) return true; // emoji ZWJ sequence
    return [before, after].some((c) => JOINING_SCRIPT_LETTER.test(c) && !LATIN_OR_COMMON.test(c));
  }
  if (category === 'variation') {
    // One selector after its base character; a second one in a row has no display purpose.
    const previous = points[position - 1];
    const next = points[position + 1];
    if (!previous || isVariationSelector(previous.codePoint) || (next && isVariationSelector(next.codePoint))) return false;
    const base = String.fromCodePoint(previous.codePoint);
    if ((codePoint === 0xfe0f || codePoint === 0xfe0e) && EMOJI_BASE.test(base)) return true;
    if (codePoint >= 0xe0100 && HAN.test(base)) return true; // ideographic variation sequence
  }
  return false;
}

/** Subdivision flags (🏴 + tag letters + cancel tag) are the one legitimate use of tag characters. */
function isFlagSequence(points: CodePointAt[], start: number, end: number): boolean {
  if (points[start - 1]?.codePoint !== BLACK_FLAG || points[end - 1]?.codePoint !== CANCEL_TAG) return false;
  const letters = points.slice(start, end - 1);
  return letters.length >= 2 && letters.length <= 7 && letters.every(({ codePoint }) => (codePoint >= 0xe0030 && codePoint <= 0xe0039) || (codePoint >= 0xe0061 && codePoint <= 0xe007a));
}

/** Runs of variation selectors can carry one byte each (the "emoji smuggling" trick). */
function decodeVariationRun(codePoints: number[]): string | undefined {
  const bytes = Uint8Array.from(codePoints, (codePoint) => (codePoint >= 0xe0100 ? codePoint - 0xe0100 + 16 : codePoint - 0xfe00));
  const text = bytesToText(bytes);
  return text && (isReadableText(text) || /^[\x20-\x7e]{3,}$/.test(text)) ? text : undefined;
}

function describeRun(codePoints: number[]): string {
  const listed = codePoints.slice(0, 6).map(hex).join(' ');
  return codePoints.length > 6 ? `${listed} …` : listed;
}

interface Run {
  start: number;
  end: number;
  categories: Set<Category>;
  codePoints: number[];
}

function judgeRun(run: Run, text: string, role: StringRole, path: string, points: CodePointAt[], startPoint: number): Finding | undefined {
  const span = { start: run.start, end: run.end };
  const count = run.codePoints.length;
  const inName = isNameRole(role);
  const { categories } = run;
  const escalate = (severity: Severity): Severity => (inName ? 'high' : severity);
  const where = inName ? 'in a name' : 'in the text';

  if (categories.has('tag')) {
    if (isFlagSequence(points, startPoint, startPoint + count)) return undefined;
    const decoded = decodeTagRun(run.codePoints.filter((codePoint) => isTagCharacter(codePoint) && codePoint !== CANCEL_TAG && codePoint !== LANGUAGE_TAG));
    return makeFinding('invisible-character', 'high', path, `Invisible Unicode tag characters spell out text the model reads but a person cannot see: “${excerpt(decoded)}”.`, { span, decoded });
  }
  if (categories.has('override')) {
    return makeFinding('invisible-character', 'high', path, `A bidirectional override (${describeRun(run.codePoints)}) shows the text in a different order from the one the model reads.`, { span });
  }
  if (categories.has('embedding')) {
    const severity = RIGHT_TO_LEFT.test(text) ? 'warn' : 'high';
    return makeFinding('invisible-character', escalate(severity), path, `Bidirectional controls (${describeRun(run.codePoints)}) change how the surrounding text is displayed.`, { span });
  }
  if (categories.has('variation') && categories.size === 1) {
    const decoded = count > 1 ? decodeVariationRun(run.codePoints) : undefined;
    if (decoded !== undefined) {
      return makeFinding('invisible-character', 'high', path, `A run of ${count} variation selectors encodes hidden text: “${excerpt(decoded)}”.`, { span, decoded });
    }
    return makeFinding('invisible-character', escalate(count > 1 ? 'high' : 'warn'), path, `${count === 1 ? 'A variation selector' : `${count} variation selectors`} (${describeRun(run.codePoints)}) sit where no emoji needs them; they are invisible.`, { span });
  }
  if (categories.size === 1 && categories.has('bom') && run.start === 0) {
    return makeFinding('invisible-character', escalate('info'), path, 'The text starts with an invisible byte-order mark (U+FEFF).', { span });
  }
  if (categories.size === 1 && categories.has('mark') && count === 1) {
    return makeFinding('invisible-character', escalate(RIGHT_TO_LEFT.test(text) ? 'info' : 'warn'), path, `A bidirectional mark (${describeRun(run.codePoints)}) is invisible ${where}.`, { span });
  }
  if (categories.size === 1 && categories.has('soft-hyphen') && count === 1) {
    return makeFinding('invisible-character', escalate('warn'), path, 'A soft hyphen (U+00AD) is invisible and can split a word so that it escapes a reader or a filter.', { span });
  }
  if (categories.size === 1 && categories.has('space')) {
    return makeFinding('invisible-character', 'high', path, `An unusual space (${describeRun(run.codePoints)}) sits in a name, where it makes two different names look the same.`, { span });
  }
  const severity = count > 1 ? 'high' : 'warn';
  const message =
    count > 1
      ? `${count} invisible characters in a row (${describeRun(run.codePoints)}): text a person cannot see, and room to encode hidden data.`
      : `An invisible character (${describeRun(run.codePoints)}) sits ${where}.`;
  return makeFinding('invisible-character', escalate(severity), path, message, { span });
}

/** `invisible-character` findings, one per run of adjacent hidden characters. */
export function scanInvisible(text: string, path: string, role: StringRole): Finding[] {
  if (!MAYBE_HIDDEN.test(text)) return [];
  const points = codePointsOf(text, role);
  const findings: Finding[] = [];
  let position = 0;
  while (position < points.length && findings.length < MAX_FINDINGS) {
    if (points[position]!.category === undefined) {
      position++;
      continue;
    }
    // A run: adjacent hidden characters, tags kept apart from the rest so they decode cleanly.
    const isTagRun = points[position]!.category === 'tag';
    let end = position;
    while (end < points.length && points[end]!.category !== undefined && (points[end]!.category === 'tag') === isTagRun) end++;
    const kept: CodePointAt[] = [];
    for (let k = position; k < end; k++) if (isTagRun || !isExpected(points, k)) kept.push(points[k]!);
    if (kept.length > 0) {
      const last = kept.at(-1)!;
      const run: Run = {
        start: kept[0]!.index,
        end: last.index + (last.codePoint > 0xffff ? 2 : 1),
        categories: new Set(kept.map((point) => point.category!)),
        codePoints: kept.map((point) => point.codePoint),
      };
      const finding = judgeRun(run, text, role, path, points, position);
      if (finding) findings.push(finding);
    }
    position = end;
  }
  return findings;
}
