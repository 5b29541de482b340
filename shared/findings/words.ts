/**
 * A text's words, computed once and shared by the cheap pre-checks that decide which of the
 * expensive patterns need to run at all.
 */

export interface Profile {
  /** The text in lower case. */
  lower: string;
  /** Its runs of ASCII letters and digits, in order, repeats kept. */
  words: readonly string[];
}

const WORD = /[a-z0-9]+/g;

export function profileOf(text: string): Profile {
  const lower = text.toLowerCase();
  return { lower, words: lower.match(WORD) ?? [] };
}

/** A pre-check: the text has one of `words` as a word, or contains one of `fragments`. */
export class Anchors {
  private readonly words: ReadonlySet<string>;
  constructor(
    words: readonly string[],
    private readonly fragments: readonly string[] = [],
  ) {
    this.words = new Set(words);
  }

  foundIn(profile: Profile): boolean {
    for (const fragment of this.fragments) if (profile.lower.includes(fragment)) return true;
    for (const word of profile.words) if (this.words.has(word)) return true;
    return false;
  }
}
