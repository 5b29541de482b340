/**
 * Decoders for text a model can read but a person cannot: base64 (standard and URL-safe), hex and
 * UTF-8. Written out here because `shared/` may use neither `Buffer`, `atob` nor `TextDecoder`.
 */

const BASE64_VALUES = (() => {
  const values = new Int16Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  values['+'.charCodeAt(0)] = 62;
  values['-'.charCodeAt(0)] = 62;
  values['/'.charCodeAt(0)] = 63;
  values['_'.charCodeAt(0)] = 63;
  return values;
})();

/** Bytes of a base64 or base64url string; padding is optional and anything else ends the input. */
export function decodeBase64(text: string): Uint8Array {
  const bytes = new Uint8Array(Math.floor((text.length * 3) / 4));
  let length = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? BASE64_VALUES[code]! : -1;
    if (value < 0) break;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[length++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes.subarray(0, length);
}

/** Bytes of a run of hex digit pairs. */
export function decodeHex(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Strict UTF-8; undefined when the bytes are not UTF-8 (most binary data is not). */
export function bytesToText(bytes: Uint8Array): string | undefined {
  let text = '';
  for (let i = 0; i < bytes.length; ) {
    const first = bytes[i]!;
    let codePoint: number;
    let extra: number;
    if (first < 0x80) (codePoint = first), (extra = 0);
    else if (first >= 0xc2 && first < 0xe0) (codePoint = first & 0x1f), (extra = 1);
    else if (first >= 0xe0 && first < 0xf0) (codePoint = first & 0x0f), (extra = 2);
    else if (first >= 0xf0 && first < 0xf5) (codePoint = first & 0x07), (extra = 3);
    else return undefined;
    for (let k = 1; k <= extra; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return undefined;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if ((extra === 2 && (codePoint < 0x800 || (codePoint >= 0xd800 && codePoint <= 0xdfff))) || (extra === 3 && (codePoint < 0x10000 || codePoint > 0x10ffff))) {
      return undefined;
    }
    text += String.fromCodePoint(codePoint);
    i += extra + 1;
  }
  return text;
}

const READABLE_CHARACTER = /[\p{L}\p{N}\p{P}\p{S}\p{Zs}\t\n\r]/u;
const WORD = /\p{L}{2,}/gu;

/**
 * Whether decoded bytes read as prose rather than binary: almost every character printable and
 * at least three words. Keys, hashes and images fail this, a smuggled sentence passes.
 */
export function isReadableText(text: string | undefined): text is string {
  if (!text || text.length < 8) return false;
  let readable = 0;
  let total = 0;
  for (const character of text) {
    total++;
    if (READABLE_CHARACTER.test(character)) readable++;
  }
  if (readable / total < 0.95) return false;
  return (text.match(WORD)?.length ?? 0) >= 3 && /\s/.test(text);
}
