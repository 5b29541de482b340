/**
 * Look-alike names: letters from another script that look Latin (Cyrillic `а` in `re\u0430d_file`,
 * Greek `ο`), styled or fullwidth letters, and ASCII swaps (`1` for `l`, `0` for `o`, `rn` for `m`)
 * that make one tool pass for another. Scripts come from Unicode property escapes; the look-alike
 * table is the common subset of Unicode's confusables list for letters that imitate Latin.
 */
import { excerpt, makeFinding } from './finding';
import type { Finding, Severity } from '../types';

const LOOKALIKES: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', с: 'c', ԁ: 'd', е: 'e', һ: 'h', і: 'i', ј: 'j', к: 'k', ӏ: 'l', м: 'm', о: 'o', р: 'p', ԛ: 'q', г: 'r', ѕ: 's', т: 't',
  у: 'y', ԝ: 'w', х: 'x', ү: 'y', ь: 'b', ɡ: 'g', ԍ: 'g', п: 'n',
  А: 'A', В: 'B', С: 'C', Е: 'E', Н: 'H', І: 'I', Ј: 'J', К: 'K', М: 'M', О: 'O', Р: 'P', Ԛ: 'Q', Ѕ: 'S', Т: 'T', Х: 'X', У: 'Y', Ԝ: 'W', Ӏ: 'I',
  // Greek
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', γ: 'y', ω: 'w',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  // Armenian
  օ: 'o', ս: 'u', ց: 'g', հ: 'h', ո: 'n', զ: 'q', ա: 'w',
  // Latin letters outside ASCII that pass for ASCII ones
  ı: 'i', ȷ: 'j', ɑ: 'a', ɩ: 'i', ʟ: 'l', ℓ: 'l', ꞁ: 'l', ꜱ: 's', ᴄ: 'c', ᴏ: 'o', ᴠ: 'v', ᴡ: 'w', ᴢ: 'z',
};

/** Scripts whose letters are used to imitate Latin ones. */
const IMITATING_SCRIPTS: Array<[string, RegExp]> = [
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
  ['Coptic', /\p{Script=Coptic}/u],
];
const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;
const NOT_ASCII = /[^\x00-\x7f]/;

function scriptOf(character: string): string {
  if (LATIN.test(character)) return 'Latin';
  for (const [name, pattern] of IMITATING_SCRIPTS) if (pattern.test(character)) return name;
  return 'other';
}

/**
 * A name reduced to what it looks like: compatibility forms folded, look-alike letters replaced
 * by the Latin ones they imitate, case and `-`/`_` ignored, and the classic ASCII swaps undone.
 */
export function skeleton(name: string): string {
  let folded = '';
  for (const character of name.normalize('NFKC')) folded += LOOKALIKES[character] ?? character;
  return folded
    .toLowerCase()
    .replace(/[-_\s]+/g, '_')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/[1|]/g, 'l')
    .replace(/0/g, 'o');
}

function describeCharacter(character: string): string {
  return `“${character}” (U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** Visible look-alike for the message: what the name imitates, in plain Latin. */
function imitated(name: string): string {
  let result = '';
  for (const character of name.normalize('NFKC')) result += LOOKALIKES[character] ?? character;
  return result;
}

/**
 * `confusable-name` findings for a tool, prompt or parameter name. `others` are names offered by
 * other servers; a name that differs from one of them but looks the same is the strongest sign.
 * `strict` is for names the model picks tools by; parameter names are capped at `warn`.
 */
export function scanConfusableName(name: string, path: string, others: ReadonlyMap<string, string>, strict: boolean): Finding[] {
  const cap = (severity: Severity): Severity => (strict || severity !== 'high' ? severity : 'warn');
  const findings: Finding[] = [];
  const whole = { start: 0, end: name.length };

  const twin = others.size > 0 ? others.get(skeleton(name)) : undefined;
  // Differences of case or of `-`/`_` alone are the same name to a reader: a collision, not an imitation.
  if (twin !== undefined && twin.toLowerCase().replace(/-/g, '_') !== name.toLowerCase().replace(/-/g, '_')) {
    findings.push(makeFinding('confusable-name', cap('high'), path, `“${excerpt(name)}” looks like “${excerpt(twin)}”, a tool of another server, but is a different name.`, { span: whole }));
  }
  if (!NOT_ASCII.test(name)) return findings;

  if (name.normalize('NFKC') !== name) {
    findings.push(makeFinding('confusable-name', cap('high'), path, `The name uses styled or fullwidth characters that read as “${excerpt(name.normalize('NFKC'))}”.`, { span: whole }));
    return findings;
  }
  const letters: Array<{ character: string; index: number; script: string }> = [];
  for (let i = 0; i < name.length; ) {
    const character = String.fromCodePoint(name.codePointAt(i)!);
    if (LETTER.test(character)) letters.push({ character, index: i, script: scriptOf(character) });
    i += character.length;
  }
  const scripts = new Set(letters.map((letter) => letter.script));
  const foreign = letters.filter((letter) => letter.script !== 'Latin' && letter.script !== 'other');
  const lookalikes = letters.filter((letter) => LOOKALIKES[letter.character] !== undefined);

  const foreignLookalikes = foreign.filter((letter) => LOOKALIKES[letter.character] !== undefined);
  if (scripts.has('Latin') && foreignLookalikes.length > 0) {
    const first = foreignLookalikes[0]!;
    findings.push(
      makeFinding(
        'confusable-name',
        cap('high'),
        path,
        `The name mixes Latin with ${first.script} letters such as ${describeCharacter(first.character)}, so it passes for “${excerpt(imitated(name))}”.`,
        { span: { start: first.index, end: first.index + first.character.length } },
      ),
    );
  } else if (letters.length > 0 && lookalikes.length === letters.length) {
    const first = lookalikes[0]!;
    findings.push(
      makeFinding('confusable-name', cap('high'), path, `Every letter of the name imitates a Latin one (such as ${describeCharacter(first.character)}), so it passes for “${excerpt(imitated(name))}”.`, {
        span: whole,
      }),
    );
  } else if (lookalikes.length > 0) {
    const first = lookalikes[0]!;
    findings.push(
      makeFinding('confusable-name', cap('high'), path, `The letter ${describeCharacter(first.character)} looks like “${LOOKALIKES[first.character]}”, so the name passes for “${imitated(name)}”.`, {
        span: { start: first.index, end: first.index + first.character.length },
      }),
    );
  } else if (scripts.size > 1) {
    findings.push(makeFinding('confusable-name', 'warn', path, 'The name mixes letters from several scripts.', { span: whole }));
  } else if (strict && letters.some((letter) => NOT_ASCII.test(letter.character))) {
    // Names whose only odd characters are hidden ones are reported by the invisible-character scan.
    findings.push(makeFinding('confusable-name', 'info', path, 'The name uses characters outside the A–Z, 0–9, “_”, “-” and “.” that MCP recommends for tool names.', { span: whole }));
  }
  return findings;
}
