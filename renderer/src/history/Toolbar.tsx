import { useEffect, useRef, useState } from 'react';
import { useAirlock } from '../state/store';
import { isFiltered } from './filters';
import { historyActions, useHistory } from './store';

/** Export ▾ → JSONL / CSV of the filtered calls. */
export function ExportMenu() {
  const [open, setOpen] = useState(false);
  const exporting = useHistory((s) => s.exporting);
  const filtered = useHistory((s) => isFiltered(s.filters));
  const connected = useAirlock((s) => s.connection === 'open');
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open]);
  const pick = (format: 'jsonl' | 'csv') => {
    setOpen(false);
    void historyActions.exportView(format);
  };
  return (
    <div className="menu-anchor" ref={ref}>
      <button
        type="button"
        className="btn"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={!connected || exporting !== undefined}
        onClick={() => setOpen(!open)}
        title={filtered ? 'Download the calls these filters match' : 'Download every call'}
      >
        {exporting ? `Exporting ${exporting.toUpperCase()}…` : 'Export'} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="Export format" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
          <p className="menu-note muted small">{filtered ? 'The calls these filters match, newest first.' : 'Every call, newest first.'} Secrets stay redacted.</p>
          <button type="button" role="menuitem" autoFocus onClick={() => pick('jsonl')}>
            <strong>JSONL</strong> <span className="muted small">both records as logged, hashes intact</span>
          </button>
          <button type="button" role="menuitem" onClick={() => pick('csv')}>
            <strong>CSV</strong> <span className="muted small">one row per call, for spreadsheets</span>
          </button>
        </div>
      )}
    </div>
  );
}

export function VerifyButton() {
  const running = useHistory((s) => Boolean(s.verify?.running));
  const connected = useAirlock((s) => s.connection === 'open');
  return (
    <button
      type="button"
      className="btn"
      disabled={!connected || running}
      onClick={() => void historyActions.verify()}
      title="Re-check every record's hash and the chain that links them"
    >
      {running ? 'Verifying…' : 'Verify integrity'}
    </button>
  );
}

function percent(progress: number | undefined): string {
  return progress === undefined ? '' : ` ${Math.floor(progress * 100)}%`;
}

/** Shown only when the index is not ready: what that means for the list, and what to do. */
export function IndexStatus() {
  const index = useHistory((s) => s.index);
  if (!index || index.state === 'ready') return null;
  if (index.state === 'unavailable') {
    return (
      <div className="history-status warn" role="status" data-testid="index-status">
        <span>
          <strong>History search is unavailable.</strong> {index.problem ?? 'The index cannot be opened.'} The log itself is unaffected; Airlock retries on its own.
        </span>
        <button type="button" className="btn small" onClick={() => void historyActions.reindex()}>
          Rebuild index
        </button>
      </div>
    );
  }
  const behind = Math.max(0, index.lastSeq - index.indexedThrough);
  return (
    <div className="history-status" role="status" data-testid="index-status">
      <span className="spinner" aria-hidden="true" />
      <span>
        <strong>{index.state === 'rebuilding' ? `Rebuilding the history index${percent(index.progress)}` : `Catching up with the log${percent(index.progress)}`}</strong>
        <span className="muted">
          {' '}
          — {behind.toLocaleString()} record{behind === 1 ? '' : 's'} not searchable yet; the list fills in when it is done.
        </span>
      </span>
      {index.progress !== undefined && (
        <progress max={1} value={index.progress} aria-label="index progress">
          {percent(index.progress)}
        </progress>
      )}
    </div>
  );
}

/** New calls that may match the search: the window cannot tell, so it offers to look again. */
export function UnseenNotice() {
  const unseen = useHistory((s) => s.unseen);
  if (unseen === 0) return null;
  return (
    <div className="history-status" role="status">
      <span>
        {unseen.toLocaleString()} new record{unseen === 1 ? '' : 's'} since this search.
      </span>
      <button type="button" className="btn small" onClick={() => void historyActions.reload()}>
        Refresh
      </button>
    </div>
  );
}
