import { useEffect, useState } from 'react';
import { retentionSchema, type HistorySettingsView } from '../../../../shared/history';
import { formatDateTime } from '../../ui/useNow';
import { bytes } from '../format';

function LogSize({ log }: { log: HistorySettingsView['log'] }) {
  return (
    <span className="muted small" data-testid="log-size">
      Log now: {log.segments} segment{log.segments === 1 ? '' : 's'}, {bytes(log.bytes)}
      {log.oldest && `, since ${formatDateTime(log.oldest)}`}
      {log.firstSeq !== undefined && ` (#${log.firstSeq.toLocaleString()}–#${log.lastSeq.toLocaleString()})`}.
    </span>
  );
}

/**
 * Keep N days and/or N MB of history. Trimming removes whole segments, oldest first, and writes the
 * trim into the chain, so verification still passes and says what was removed.
 */
export function RetentionSetting({
  view,
  save,
  busy,
}: {
  view: HistorySettingsView;
  save: (retention: { maxDays?: number; maxMegabytes?: number }) => Promise<boolean>;
  busy: boolean;
}) {
  const [byDays, setByDays] = useState(view.retention.maxDays !== undefined);
  const [days, setDays] = useState(String(view.retention.maxDays ?? 90));
  const [bySize, setBySize] = useState(view.retention.maxMegabytes !== undefined);
  const [megabytes, setMegabytes] = useState(String(view.retention.maxMegabytes ?? 1024));
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    setByDays(view.retention.maxDays !== undefined);
    setBySize(view.retention.maxMegabytes !== undefined);
    if (view.retention.maxDays !== undefined) setDays(String(view.retention.maxDays));
    if (view.retention.maxMegabytes !== undefined) setMegabytes(String(view.retention.maxMegabytes));
  }, [view.retention.maxDays, view.retention.maxMegabytes]);

  const wanted = { ...(byDays ? { maxDays: Number(days) } : {}), ...(bySize ? { maxMegabytes: Number(megabytes) } : {}) };
  const changed = wanted.maxDays !== view.retention.maxDays || wanted.maxMegabytes !== view.retention.maxMegabytes;
  const submit = async () => {
    const parsed = retentionSchema.safeParse(wanted);
    if (!parsed.success) {
      setError(
        byDays && !(Number(days) >= 1 && Number(days) <= 36_500 && Number.isInteger(Number(days)))
          ? 'Days: a whole number from 1 to 36 500.'
          : 'Size: a whole number of megabytes, at least 1.',
      );
      return;
    }
    setError(undefined);
    await save(parsed.data);
  };

  return (
    <form
      className="setting-block"
      aria-label="History retention"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="setting-title">
        <strong>History retention</strong>
        <span className="muted small"> — trimming removes whole segments, oldest first, and records the trim in the chain so verification still passes.</span>
      </div>
      <div className="setting-row">
        <label className="inline">
          <input type="checkbox" checked={byDays} disabled={busy} onChange={(e) => setByDays(e.target.checked)} /> Keep
          <input
            type="number"
            className="num-input"
            min={1}
            max={36_500}
            step={1}
            value={days}
            disabled={busy || !byDays}
            aria-label="days to keep"
            onChange={(e) => setDays(e.target.value)}
          />{' '}
          days
        </label>
        <label className="inline">
          <input type="checkbox" checked={bySize} disabled={busy} onChange={(e) => setBySize(e.target.checked)} /> Keep at most
          <input
            type="number"
            className="num-input"
            min={1}
            step={1}
            value={megabytes}
            disabled={busy || !bySize}
            aria-label="megabytes to keep"
            onChange={(e) => setMegabytes(e.target.value)}
          />{' '}
          MB
        </label>
        <button type="submit" className="btn small" disabled={busy || !changed}>
          Save retention
        </button>
      </div>
      {!byDays && !bySize && <span className="muted small">Everything is kept (no retention).</span>}
      {error && <span className="error-text small">{error}</span>}
      <LogSize log={view.log} />
    </form>
  );
}
