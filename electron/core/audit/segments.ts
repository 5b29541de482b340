import fs from 'node:fs';
import path from 'node:path';

const SEGMENT = /^audit-(\d{6,})\.jsonl$/;

export interface SegmentFile {
  index: number;
  file: string;
}

/** Segment files of an audit folder, oldest first. */
export function listSegments(dir: string): SegmentFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .map((name) => ({ name, match: SEGMENT.exec(name) }))
    .filter((entry): entry is { name: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ name, match }) => ({ index: Number.parseInt(match[1]!, 10), file: path.join(dir, name) }))
    .sort((a, b) => a.index - b.index);
}

export function segmentPath(dir: string, index: number): string {
  return path.join(dir, `audit-${String(index).padStart(6, '0')}.jsonl`);
}

/** Splits a segment's bytes into complete lines and a trailing fragment without a newline. */
export function splitLines(content: Buffer): { lines: string[]; tail: Buffer } {
  const lastNewline = content.lastIndexOf(0x0a);
  const complete = lastNewline === -1 ? Buffer.alloc(0) : content.subarray(0, lastNewline);
  const tail = content.subarray(lastNewline + 1);
  const lines = complete.length === 0 ? [] : complete.toString('utf8').split('\n');
  return { lines, tail };
}
