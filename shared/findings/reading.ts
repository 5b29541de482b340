/**
 * The words of a text as a model takes them in: hidden characters and terminal escapes removed,
 * unusual spaces read as spaces. Phrase rules run on this reading so that `ig\u200Bnore previous
 * instructions` or a soft hyphen inside `pass\u00ADword` cannot slip past them; spans found in
 * the reading are mapped back to the original text.
 */
import { isHiddenCharacter } from '../visible';
import { terminalSequences } from './terminal';

export interface Reading {
  text: string;
  /** Original offset of each reading offset, one past the end included; absent when both are the same. */
  offsets?: number[];
}

const PLAIN = /^[\x20-\x7e\t\n\r]*$/;
const SPACE_SEPARATOR = /\p{Zs}/u;

export function readingOf(original: string): Reading {
  if (PLAIN.test(original)) return { text: original };
  const skipped = new Uint8Array(original.length);
  for (const sequence of terminalSequences(original)) skipped.fill(1, sequence.start, sequence.end);
  let text = '';
  const offsets: number[] = [];
  for (let i = 0; i < original.length; ) {
    const codePoint = original.codePointAt(i)!;
    const width = codePoint > 0xffff ? 2 : 1;
    if (!skipped[i]) {
      if (codePoint === 0x0d || !isHiddenCharacter(codePoint)) {
        text += original.slice(i, i + width);
        offsets.push(i);
        if (width === 2) offsets.push(i + 1);
      } else if (SPACE_SEPARATOR.test(String.fromCodePoint(codePoint))) {
        text += ' ';
        offsets.push(i);
      }
    }
    i += width;
  }
  offsets.push(original.length);
  return { text, offsets };
}

/** Maps a span of the reading back onto the original text. */
export function originalSpan(reading: Reading, start: number, end: number): { start: number; end: number } {
  if (!reading.offsets) return { start, end };
  const offsets = reading.offsets;
  // The end maps to just after the last character read, not to the end of any hidden run after it.
  return { start: offsets[start]!, end: end > start ? offsets[end - 1]! + 1 : offsets[start]! };
}
