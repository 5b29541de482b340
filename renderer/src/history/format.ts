/** Small, pure formatting for history rows and the detail pane. */
import type { AuditRecord } from '../../../shared/audit';
import type { CallOutcome } from '../../../shared/history';

/** Row time: the clock alone for today, the date too otherwise (year when not this year). */
export function rowTime(ts: string, now = Date.now()): string {
  const date = new Date(ts);
  const today = new Date(now);
  const clock = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  if (date.toDateString() === today.toDateString()) return clock;
  const day = date.toLocaleDateString(undefined, { month: 'short', day: 'numeric', ...(date.getFullYear() !== today.getFullYear() ? { year: 'numeric' } : {}) });
  return `${day} ${clock}`;
}

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** How an outcome reads in a tone: green for a result, amber for errors, red for refusals. */
export function outcomeTone(outcome: CallOutcome): 'ok' | 'warn' | 'deny' | 'muted' {
  switch (outcome) {
    case 'result':
      return 'ok';
    case 'tool-error':
    case 'rpc-error':
    case 'upstream-failed':
      return 'warn';
    case 'denied':
    case 'waiting':
      return 'deny';
    default:
      return 'muted';
  }
}

/** One line for a record of the full log view. */
export function recordLine(record: AuditRecord): { kind: string; what: string; detail: string; tone: 'allow' | 'deny' | 'event' | 'result' } {
  switch (record.type) {
    case 'call':
      return { kind: 'call', what: record.target, detail: `${record.decision} · ${record.decidedBy}`, tone: record.decision };
    case 'result':
      return { kind: 'result', what: record.target, detail: `${record.outcome} · ${record.durationMs} ms`, tone: 'result' };
    case 'event':
      return { kind: 'event', what: record.event, detail: record.detail ?? record.by ?? '', tone: 'event' };
  }
}
