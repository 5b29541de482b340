import { describe, expect, it } from 'vitest';
import { JsonLineDecoder, type FramingProblem } from '../electron/core/framing';

function decode(chunks: Array<string | Buffer>, options = {}) {
  const messages: unknown[] = [];
  const problems: FramingProblem[] = [];
  const decoder = new JsonLineDecoder((m) => messages.push(m), (p) => problems.push(p), options);
  for (const chunk of chunks) decoder.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  decoder.end();
  return { messages, problems };
}

describe('JSON line framing', () => {
  it('reassembles messages split across chunks and splits several in one chunk', () => {
    const { messages, problems } = decode(['{"a":', '1}\n{"b"', ':2}\n{"c":3}\r\n']);
    expect(messages).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(problems).toEqual([]);
  });

  it('discards an oversized line as it streams and carries on with the next', () => {
    const { messages, problems } = decode(['{"x":"', 'a'.repeat(600), 'b'.repeat(600), '"}\n{"ok":true}\n'], { maxMessageBytes: 1000 });
    expect(problems).toEqual([{ kind: 'too-large', bytes: 1208 }]);
    expect(messages).toEqual([{ ok: true }]);
  });

  it('refuses invalid UTF-8, over-deep nesting and bad JSON, one problem each', () => {
    const { messages, problems } = decode([Buffer.from([0x7b, 0xff, 0x7d, 0x0a]), '[[[[[1]]]]]\n', '{nope}\n', '{"fine":1}\n'], { maxDepth: 4 });
    expect(problems.map((p) => p.kind)).toEqual(['invalid-utf8', 'too-deep', 'parse']);
    expect(messages).toEqual([{ fine: 1 }]);
  });

  it('reports a message cut off by the end of the stream instead of dropping it silently', () => {
    expect(decode(['{"a":1}\n{"half":']).problems).toEqual([{ kind: 'truncated', bytes: 8 }]);
  });

  it('does not count brackets inside strings towards depth', () => {
    const { messages, problems } = decode([`${JSON.stringify({ text: '[[[[[[[[[[' })}\n`], { maxDepth: 2 });
    expect(problems).toEqual([]);
    expect(messages).toHaveLength(1);
  });
});
