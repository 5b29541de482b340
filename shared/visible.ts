/**
 * Makes hidden characters visible. Untrusted text (tool names, descriptions, arguments, results)
 * is never interpreted: control characters, escape sequences, zero-width and bidi controls,
 * Unicode tag characters and unusual spaces are drawn as marks like ⟨U+200B⟩ or ⟨ESC⟩.
 */

export interface TextSegment {
  text: string;
  /** A mark stands for one or more hidden characters; `hidden` explains what. */
  mark?: { hidden: string; description: string };
}

const NAMED: Record<number, string> = {
  0x00: 'NUL',
  0x07: 'BEL',
  0x08: 'BS',
  0x0b: 'VT',
  0x0c: 'FF',
  0x0d: 'CR',
  0x1b: 'ESC',
  0x7f: 'DEL',
  0x9b: 'CSI',
  0x9d: 'OSC',
  0xad: 'SHY',
  0xa0: 'NBSP',
  0x200b: 'ZWSP',
  0x200c: 'ZWNJ',
  0x200d: 'ZWJ',
  0x200e: 'LRM',
  0x200f: 'RLM',
  0x202a: 'LRE',
  0x202b: 'RLE',
  0x202c: 'PDF',
  0x202d: 'LRO',
  0x202e: 'RLO',
  0x2060: 'WJ',
  0x2066: 'LRI',
  0x2067: 'RLI',
  0x2068: 'FSI',
  0x2069: 'PDI',
  0xfeff: 'BOM',
};

function hex(cp: number): string {
  return cp.toString(16).toUpperCase().padStart(4, '0');
}

export function isTagCharacter(cp: number): boolean {
  return cp >= 0xe0000 && cp <= 0xe007f;
}

export function isVariationSelector(cp: number): boolean {
  return (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

export function isBidiControl(cp: number): boolean {
  return cp === 0x061c || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

const FORMAT_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const ODD_SPACE = /[\p{Zs}]/u;
const FILLERS = new Set([0x034f, 0x115f, 0x1160, 0x3164, 0xffa0, 0x2800, 0x17b4, 0x17b5, 0x180e]);

/** True for characters a reader cannot see or that change how surrounding text is displayed. */
export function isHiddenCharacter(cp: number, keepLayout = true): boolean {
  if (keepLayout && (cp === 0x0a || cp === 0x09)) return false;
  if (cp === 0x20) return false;
  const ch = String.fromCodePoint(cp);
  return (
    FORMAT_OR_CONTROL.test(ch) ||
    ODD_SPACE.test(ch) ||
    isTagCharacter(cp) ||
    isVariationSelector(cp) ||
    FILLERS.has(cp) ||
    (cp >= 0x80 && cp <= 0x9f)
  );
}

function markFor(cp: number): string {
  const name = NAMED[cp];
  return name ? `⟨${name}⟩` : `⟨U+${hex(cp)}⟩`;
}

function describe(cp: number): string {
  if (isTagCharacter(cp)) return 'Unicode tag character (invisible; can smuggle text to a model)';
  if (isBidiControl(cp)) return 'bidirectional control (reorders how text is displayed)';
  if (isVariationSelector(cp)) return 'variation selector (invisible)';
  if (cp === 0x1b || cp === 0x9b || cp === 0x9d) return 'terminal escape (can hide or restyle text in a terminal)';
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 'control character';
  if (ODD_SPACE.test(String.fromCodePoint(cp))) return 'unusual space';
  return 'invisible formatting character';
}

/** Decodes a run of tag characters into the ASCII text they smuggle. */
export function decodeTagRun(codePoints: number[]): string {
  return codePoints.map((cp) => String.fromCharCode(cp - 0xe0000)).join('');
}

/**
 * Splits text into plain runs and marks. Consecutive tag characters become one mark that shows
 * the text they encode, since that hidden text is what a model would read.
 */
export function toSegments(text: string, options: { keepLayout?: boolean } = {}): TextSegment[] {
  const keepLayout = options.keepLayout ?? true;
  const segments: TextSegment[] = [];
  let plain = '';
  const codePoints = Array.from(text, (ch) => ch.codePointAt(0)!);
  for (let i = 0; i < codePoints.length; i++) {
    const cp = codePoints[i]!;
    if (!isHiddenCharacter(cp, keepLayout)) {
      plain += String.fromCodePoint(cp);
      continue;
    }
    if (plain) segments.push({ text: plain }), (plain = '');
    if (isTagCharacter(cp)) {
      const run: number[] = [];
      let j = i;
      while (j < codePoints.length && isTagCharacter(codePoints[j]!)) run.push(codePoints[j++]!);
      const decoded = decodeTagRun(run);
      segments.push({ text: `⟨TAG “${decoded}”⟩`, mark: { hidden: run.map(hex).join(' '), description: `${describe(cp)}: hidden text “${decoded}”` } });
      i = j - 1;
      continue;
    }
    segments.push({ text: markFor(cp), mark: { hidden: `U+${hex(cp)}`, description: describe(cp) } });
  }
  if (plain) segments.push({ text: plain });
  return segments;
}

/** The same as `toSegments`, flattened to one string (for terminals and logs). */
export function toVisibleText(text: string, options: { keepLayout?: boolean } = {}): string {
  return toSegments(text, options)
    .map((s) => s.text)
    .join('');
}

export function hasHiddenCharacters(text: string): boolean {
  for (const ch of text) if (isHiddenCharacter(ch.codePointAt(0)!)) return true;
  return false;
}
