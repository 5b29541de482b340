/**
 * Helpers for the audit and history tests: bundling a TypeScript child program (tests that kill
 * a real process), reading a log back, and small builders of audit entries.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditRecord, CallEntry } from '../shared/audit';
import { listSegments, readLines } from '../electron/core/audit/segments';
import { REPO } from './helpers/harness';

/** Bundles `source` (TypeScript, imports relative to the repository root) into a runnable .mjs. */
export async function bundleChild(source: string, name: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-child-'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  const outfile = path.join(dir, `${name}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: REPO, loader: 'ts', sourcefile: `${name}.ts` },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** Every complete, parseable record of the log, oldest first. */
export function readAllRecords(dir: string): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const segment of listSegments(dir)) {
    for (const line of readLines(segment.file)) {
      try {
        records.push(JSON.parse(line.text) as AuditRecord);
      } catch {
        /* verification reports it */
      }
    }
  }
  return records;
}

export function callEntry(overrides: Partial<CallEntry> = {}): CallEntry {
  return {
    type: 'call',
    call: overrides.call ?? `call-${Math.random().toString(36).slice(2)}`,
    host: { name: 'test-host', version: '1.0.0', session: 'session-1', transport: 'stdio' },
    server: 'filesystem',
    method: 'tools/call',
    target: 'read_file',
    resources: [],
    params: { path: '/tmp/x' },
    request: '0'.repeat(64),
    decision: 'allow',
    decidedBy: 'rule',
    ...overrides,
  };
}
