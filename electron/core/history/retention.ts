import fs from 'node:fs';
import type { AuditRecord, TrimmedRange } from '../../../shared/audit';
import type { HistorySettings } from '../../../shared/history';
import type { AuditLog } from '../audit/log';
import { lastLine, listSegments } from '../audit/segments';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionPlan {
  count: number;
  reason: string;
}

/**
 * How many of the oldest segments the policy removes. Only whole, finished segments go (never the
 * one being written), oldest first: by age, a segment whose newest record is older than
 * `maxDays`; by size, the oldest ones until the log fits in `maxMegabytes`.
 */
export function planRetention(log: AuditLog, retention: HistorySettings['retention'], now = Date.now()): RetentionPlan | undefined {
  const segments = listSegments(log.dir).filter((s) => s.index < log.currentSegmentIndex);
  if (segments.length === 0) return undefined;
  const reasons: string[] = [];
  let byAge = 0;
  if (retention.maxDays !== undefined) {
    const cutoff = now - retention.maxDays * DAY_MS;
    for (const segment of segments) {
      const line = lastLine(segment.file);
      const ts = line ? Date.parse((JSON.parse(line.text) as AuditRecord).ts) : 0;
      if (ts >= cutoff) break;
      byAge++;
    }
    if (byAge > 0) reasons.push(`older than ${retention.maxDays} day${retention.maxDays === 1 ? '' : 's'}`);
  }
  let bySize = 0;
  if (retention.maxMegabytes !== undefined) {
    const limit = retention.maxMegabytes * 1024 * 1024;
    const all = listSegments(log.dir);
    let total = all.reduce((sum, s) => sum + sizeOf(s.file), 0);
    for (const segment of segments) {
      if (total <= limit) break;
      total -= sizeOf(segment.file);
      bySize++;
    }
    if (bySize > 0) reasons.push(`log above ${retention.maxMegabytes} MB`);
  }
  const count = Math.max(byAge, bySize);
  return count > 0 ? { count, reason: reasons.join('; ') } : undefined;
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Applies the policy: the trim is written into the chain before any file is removed. */
export async function applyRetention(log: AuditLog, retention: HistorySettings['retention'], now = Date.now()): Promise<TrimmedRange | undefined> {
  const plan = planRetention(log, retention, now);
  if (!plan) return undefined;
  return log.trimOldest(plan.count, plan.reason);
}
