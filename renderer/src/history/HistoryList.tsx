import './history.css';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import { Visible } from '../ui/Visible';
import { DECIDED_BY_LABEL, DECIDED_BY_SHORT, isFiltered, OUTCOME_LABEL } from './filters';
import { duration, outcomeTone, recordLine, rowTime } from './format';
import type { CallItem, HistoryItem, RecordItem } from './items';
import { historyActions, useHistory } from './store';

/** Fixed row height: the list never measures, so 100 000 rows cost what 40 do. */
export const ROW_HEIGHT = 30;
/** Start loading the next page this many rows before the end. */
const PREFETCH_ROWS = 60;

function CallCells({ item }: { item: CallItem }) {
  return (
    <>
      <td role="cell" className="c-time nowrap">
        {rowTime(item.ts)}
      </td>
      <td role="cell" className="c-host">
        <Visible text={item.host} oneLine />
      </td>
      <td role="cell" className="c-server mono">
        <Visible text={item.server} oneLine />
      </td>
      <td role="cell" className="c-call">
        <span className="mono c-tool">
          <Visible text={item.target} oneLine />
        </span>
        {item.preview && (
          <span className="c-preview mono">
            <Visible text={item.preview} oneLine />
          </span>
        )}
      </td>
      <td role="cell" className="c-decision">
        <span className={`tone tone-${item.decision}`}>{item.decision}</span>{' '}
        <span className="muted" title={`decided by ${DECIDED_BY_LABEL[item.decidedBy]}`}>
          · {DECIDED_BY_SHORT[item.decidedBy]}
        </span>
      </td>
      <td role="cell" className="c-outcome">
        <span className={`outcome outcome-${outcomeTone(item.outcome)}`}>{OUTCOME_LABEL[item.outcome]}</span>
      </td>
      <td role="cell" className="c-duration num">
        {duration(item.durationMs)}
      </td>
    </>
  );
}

function RecordCells({ item }: { item: RecordItem }) {
  const line = recordLine(item.record);
  const server = 'server' in item.record ? item.record.server : undefined;
  return (
    <>
      <td role="cell" className="c-time nowrap">
        {rowTime(item.ts)}
      </td>
      <td role="cell" className="c-kind">
        <span className={`kind kind-${line.kind}`}>{line.kind}</span>
      </td>
      <td role="cell" className="c-server mono">
        {server ? <Visible text={server} oneLine /> : ''}
      </td>
      <td role="cell" className="c-call mono">
        <Visible text={line.what} oneLine />
      </td>
      <td role="cell" className="c-detail">
        <span className={`tone tone-${line.tone}`}>
          <Visible text={line.detail} oneLine />
        </span>
      </td>
    </>
  );
}

const CALL_COLUMNS = ['time', 'host', 'server', 'call', 'decision', 'outcome', 'took'];
const RECORD_COLUMNS = ['time', 'kind', 'server', 'what', 'detail'];

/** The row after the last one: searching further back, or the end of the history. */
function Tail() {
  const next = useHistory((s) => s.next);
  const loading = useHistory((s) => s.loading);
  const searchedBackTo = useHistory((s) => s.searchedBackTo);
  const count = useHistory((s) => s.items.length);
  const loaded = useHistory((s) => s.loaded);
  if (!loaded) {
    return (
      <span className="muted small">
        <span className="spinner" aria-hidden="true" /> Loading…
      </span>
    );
  }
  if (next === undefined) {
    return (
      <span className="muted small">
        {count.toLocaleString()} {count === 1 ? 'entry' : 'entries'} · the beginning of the log{loading ? '' : '.'}
      </span>
    );
  }
  return (
    <span className="muted small">
      <span className="spinner" aria-hidden="true" /> Loading older entries…
      {searchedBackTo && ` searched back to ${rowTime(searchedBackTo)}`}
    </span>
  );
}

function EmptyList() {
  const filtered = useHistory((s) => isFiltered(s.filters));
  const loading = useHistory((s) => s.loading || !s.loaded);
  const error = useHistory((s) => s.error);
  if (error) return null;
  if (loading) return <p className="muted empty-inline">Loading history…</p>;
  return filtered ? (
    <div className="empty-inline">
      <p>No calls match these filters.</p>
      <button type="button" className="btn small" onClick={() => historyActions.clearFilters()}>
        Clear filters
      </button>
    </div>
  ) : (
    <p className="muted empty-inline">No calls yet. Every call an agent makes through Airlock — allowed or refused — appears here as it happens.</p>
  );
}

/**
 * The history as a virtualised table: only the rows in view (and a few around them) exist in the
 * page. Newest first; older pages load as the end comes into view; new calls appear at the top
 * without moving what the person is looking at.
 */
export function HistoryList() {
  const items = useHistory((s) => s.items);
  const view = useHistory((s) => s.filters.view);
  const next = useHistory((s) => s.next);
  const loading = useHistory((s) => s.loading);
  const loaded = useHistory((s) => s.loaded);
  const selectedSeq = useHistory((s) => s.selectedSeq);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 16,
    getItemKey: (index) => items[index]?.seq ?? index,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems[virtualItems.length - 1]?.index ?? 0;

  // Infinite loading: the end is near and there is more (a short page with a cursor continues too).
  useEffect(() => {
    if (loaded && !loading && next !== undefined && lastIndex >= items.length - PREFETCH_ROWS) void historyActions.loadMore();
  }, [lastIndex, items.length, next, loading, loaded]);

  // New rows at the top: keep the rows in view where they are unless the person is at the top.
  const firstSeq = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    const previous = firstSeq.current;
    firstSeq.current = items[0]?.seq;
    const element = scrollRef.current;
    if (!element || previous === undefined || items.length === 0 || element.scrollTop === 0) return;
    let added = 0;
    while (added < items.length && items[added]!.seq > previous) added++;
    if (added > 0 && added < items.length) element.scrollTop += added * ROW_HEIGHT;
  }, [items]);

  // Another search: back to the top.
  const filters = useHistory((s) => s.filters);
  useLayoutEffect(() => {
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [filters]);

  const move = (delta: number) => {
    if (items.length === 0) return;
    const at = items.findIndex((i) => i.seq === selectedSeq);
    const index = Math.min(items.length - 1, Math.max(0, at < 0 ? 0 : at + delta));
    historyActions.select(items[index]!.seq);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT) - 1);
    const steps: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity, j: 1, k: -1 };
    const step = steps[e.key];
    if (step === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    move(step === -Infinity ? -items.length : step === Infinity ? items.length : step);
  };

  const columns = view === 'calls' ? CALL_COLUMNS : RECORD_COLUMNS;
  return (
    <div
      className={`history-scroll${loaded ? '' : ' stale'}`}
      ref={scrollRef}
      tabIndex={0}
      onKeyDown={onKeyDown}
      aria-label="history list: arrow keys move between entries"
      aria-activedescendant={virtualItems.some((v) => items[v.index]?.seq === selectedSeq) ? `history-row-${selectedSeq}` : undefined}
    >
      {items.length === 0 ? (
        <EmptyList />
      ) : (
        <>
          <table className={`history-table cols-${view}`} role="table" aria-rowcount={next === undefined ? items.length + 1 : -1}>
            <thead role="rowgroup">
              <tr role="row">
                {columns.map((c) => (
                  <th key={c} role="columnheader" className={`c-${c}`}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
              {virtualItems.map((v) => {
                const item: HistoryItem | undefined = items[v.index];
                if (!item) return null;
                const selected = item.seq === selectedSeq;
                return (
                  <tr
                    key={item.seq}
                    id={`history-row-${item.seq}`}
                    role="row"
                    data-seq={item.seq}
                    aria-rowindex={v.index + 2}
                    aria-selected={selected}
                    className={`${selected ? 'selected ' : ''}${item.kind === 'call' && item.decision === 'deny' ? 'row-deny' : ''}`}
                    style={{ transform: `translateY(${v.start}px)` }}
                    onClick={() => historyActions.select(item.seq)}
                  >
                    {item.kind === 'call' ? <CallCells item={item} /> : <RecordCells item={item} />}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="history-tail" data-testid="history-tail">
            <Tail />
          </div>
        </>
      )}
    </div>
  );
}
