/**
 * `unprotect`: put the original host entries back. When the file is exactly as Airlock last wrote
 * it and every wrapped entry in it goes back, the file gets its pre-Airlock bytes back. Otherwise
 * each entry that is still Airlock's wrapper gets its original launch fields back and everything
 * else in the file (the host's own edits) is kept; entries changed or deleted by hand meanwhile are
 * left alone and reported.
 */
import fs from 'node:fs';
import type { HostId, UnprotectHostResult } from '../../../shared/hosts';
import type { HostsContext } from './context';
import { entryIn, parseDoc, restoreEntry } from './documents';
import { classifyEntry } from './entries';
import { HostsRequestError } from './errors';
import { commitHostFile, readHostFile, sha256, writeBackup } from './host-file';
import { releaseTokens } from './host-token';
import { location } from './location';
import type { FileRecord, RecordEntry } from './records';
import { hostById } from './registry';
import type { ConfigLocation } from './types';

export interface UnprotectInput {
  host: HostId;
  servers?: string[];
  project?: string;
}

/** Enough of the entry's location to read and restore it, rebuilt from the record. */
function locationOf(file: string, record: FileRecord, entry: RecordEntry): ConfigLocation {
  const shape = record.host === 'codex' ? 'codex' : record.host === 'zed' ? 'zed' : 'mcp';
  return location({ host: record.host, file, format: record.format, container: entry.container, shape, ...(entry.project !== undefined ? { project: entry.project } : {}) });
}

export function unprotectHost(ctx: HostsContext, input: UnprotectInput, by: string): UnprotectHostResult {
  const def = hostById(input.host);
  const result: UnprotectHostResult = { host: input.host, restored: [], skipped: [], files: [] };
  const wanted = input.servers ? new Set(input.servers) : undefined;
  const selections: Array<[string, FileRecord, RecordEntry[]]> = [];
  for (const [file, record] of Object.entries(ctx.records.all())) {
    if (record.host !== input.host) continue;
    const selected = record.entries.filter((e) => e.project === input.project && (!wanted || wanted.has(e.key)));
    if (selected.length) selections.push([file, record, selected]);
  }
  for (const name of wanted ?? []) {
    if (!selections.some(([, , entries]) => entries.some((e) => e.key === name))) {
      throw new HostsRequestError(`Airlock did not wrap a server "${name}" in ${def.name}${input.project ? ` for ${input.project}` : ''}, so there is nothing to restore`);
    }
  }
  const labels: string[] = [];
  for (const [file, record, selected] of selections) labels.push(...tokenLabelsOf(restoreInFile(ctx, file, record, selected, by, result)));
  const revoked = releaseTokens(ctx, labels, by);
  if (revoked.length) result.revokedTokens = revoked;
  return result;
}

/** The host tokens of `--http` entries that were put back. */
export function tokenLabelsOf(restored: RecordEntry[]): string[] {
  return restored.map((e) => e.tokenLabel).filter((l): l is string => l !== undefined);
}

/** Restores the selected entries of one file and updates the record; returns the entries put back. */
export function restoreInFile(
  ctx: HostsContext,
  file: string,
  record: FileRecord,
  selected: RecordEntry[],
  by: string,
  result: Pick<UnprotectHostResult, 'restored' | 'skipped' | 'files'>,
): RecordEntry[] {
  const snapshot = readHostFile(file);
  const remaining = record.entries.filter((e) => !selected.includes(e));
  if (!snapshot) {
    for (const e of selected) result.skipped.push({ file, key: e.key, reason: 'the file no longer exists; nothing to restore' });
    forgetEntries(ctx, file, record, remaining, selected, undefined);
    return [];
  }
  let text = snapshot.text;
  const pristine = record.pristine !== undefined && remaining.length === 0 && snapshot.hash === record.writtenHash ? ctx.records.readPristine(record.pristine) : undefined;
  const restored: RecordEntry[] = [];
  if (pristine !== undefined) {
    parseDoc(file, record.format, text); // a file that does not parse is not touched, even to restore it
    text = pristine;
    restored.push(...selected);
  } else {
    for (const e of selected) {
      const where = locationOf(file, record, e);
      const doc = parseDoc(file, record.format, text);
      const current = entryIn(doc, where, e.key);
      const classified = current ? classifyEntry(current, where, ctx.env) : undefined;
      if (!classified) {
        result.skipped.push({ file, key: e.key, reason: 'no longer in the file (removed by hand); not put back — the backups beside the file keep it' });
        continue;
      }
      if (classified.kind !== 'wrapper' || classified.airlockName !== e.airlockName) {
        result.skipped.push({ file, key: e.key, reason: 'changed by hand since Airlock wrapped it; left as it is' });
        continue;
      }
      text = restoreEntry(doc, where, e.key, ctx.records.readOriginal(e.original));
      restored.push(e);
    }
  }
  let backup: string | undefined;
  if (text !== snapshot.text) {
    backup = writeBackup(snapshot);
    try {
      commitHostFile(snapshot, text, ctx.hooks);
    } catch (error) {
      fs.rmSync(backup, { force: true });
      throw error;
    }
  }
  const exact = record.pristine !== undefined && text === ctx.records.readPristine(record.pristine);
  if (backup) result.files.push({ file, backup, exact });
  forgetEntries(ctx, file, record, remaining, selected, backup !== undefined ? sha256(text) : undefined, snapshot.hash);
  for (const e of restored) {
    result.restored.push({ file, key: e.key, airlockName: e.airlockName });
    ctx.core.record({ type: 'event', event: 'host-unprotected', server: e.airlockName, by, detail: `${hostById(record.host).name}: "${e.key}" in ${file} is its original entry again` });
  }
  return restored;
}

/** Drops the selected entries from the record (and their originals); the record goes when empty. */
function forgetEntries(ctx: HostsContext, file: string, record: FileRecord, remaining: RecordEntry[], selected: RecordEntry[], writtenHash: string | undefined, readHash?: string): void {
  if (remaining.length === 0) {
    ctx.records.put(file, undefined);
    ctx.records.forgetFile(file);
    return;
  }
  // The pre-Airlock bytes stay a valid way back only while the file holds nothing but Airlock's changes.
  const pristineValid = record.pristine !== undefined && readHash === record.writtenHash;
  const next: FileRecord = {
    ...record,
    writtenHash: writtenHash ?? record.writtenHash,
    entries: remaining,
  };
  if (!pristineValid) delete next.pristine;
  ctx.records.put(file, next);
  for (const e of selected) ctx.records.forget(e.original);
  if (!pristineValid && record.pristine) ctx.records.forget(record.pristine);
}
