import { Visible } from '../ui/Visible';
import { CallDetail } from './CallDetail';
import { RecordDetail } from './RecordDetail';
import { historyActions, useHistory } from './store';

/** The right-hand pane: the selected call in full, a log line, or what to do to see one. */
export function HistoryDetail() {
  const seq = useHistory((s) => s.selectedSeq);
  const entry = useHistory((s) => (s.selectedSeq !== undefined ? s.entries[s.selectedSeq] : undefined));
  const record = useHistory((s) => {
    const item = s.selectedSeq !== undefined ? s.items.find((i) => i.seq === s.selectedSeq) : undefined;
    return item?.kind === 'record' && item.record.type !== 'call' ? item.record : undefined;
  });
  let body;
  if (seq === undefined)
    body = <p className="muted detail-empty">Select a call to see everything the log holds about it: host, resources, parameters, result, decision and who made it.</p>;
  else if (record) body = <RecordDetail record={record} />;
  else if (!entry || entry.status === 'loading') body = <p className="muted detail-empty">Loading #{seq.toLocaleString()}…</p>;
  else if (entry.status === 'missing')
    body = <p className="muted detail-empty">#{seq.toLocaleString()} is not a call the history index knows (a result or event line, or trimmed by retention).</p>;
  else if (entry.status === 'error') {
    body = (
      <div className="detail-empty">
        <p className="error-text">
          <Visible text={entry.error ?? 'Could not load this call.'} />
        </p>
        <button type="button" className="btn small" onClick={() => historyActions.select(seq)}>
          Try again
        </button>
      </div>
    );
  } else body = <CallDetail entry={entry.entry!} />;
  return (
    <aside className="history-detail" aria-label="record detail">
      {body}
    </aside>
  );
}
