import { useCallback, useEffect, useMemo, useState } from 'react';
import type { HistoryPage } from '../../../shared/contract';
import type { AuditRecord } from '../../../shared/audit';
import { currentApi, useAirlock } from '../state/store';
import { JsonTree } from '../ui/JsonTree';
import { ResourceChips } from '../ui/Resources';
import { formatDateTime } from '../ui/useNow';
import { FoldedText, Visible } from '../ui/Visible';

export interface HistoryFilters {
  server: string;
  tool: string;
  decision: '' | 'allow' | 'deny';
}

const PAGE = 100;

function summaryOf(record: AuditRecord): { what: string; detail: string; tone: 'allow' | 'deny' | 'event' | 'result' } {
  switch (record.type) {
    case 'call':
      return { what: record.target, detail: `${record.decision} · ${record.decidedBy}`, tone: record.decision };
    case 'result':
      return { what: record.target, detail: `${record.outcome} · ${record.durationMs} ms`, tone: 'result' };
    case 'event':
      return { what: record.event, detail: record.detail ?? '', tone: 'event' };
  }
}

/** The audit log, newest first, with filters and a detail pane. */
export function HistoryScreen() {
  const servers = useAirlock((s) => s.servers);
  const auditTick = useAirlock((s) => s.auditTick);
  const connection = useAirlock((s) => s.connection);
  const [filters, setFilters] = useState<HistoryFilters>({ server: '', tool: '', decision: '' });
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [next, setNext] = useState<number | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [selectedSeq, setSelectedSeq] = useState<number | undefined>();

  const query = useMemo(
    () => ({
      limit: PAGE,
      ...(filters.server ? { server: filters.server } : {}),
      ...(filters.tool.trim() ? { tool: filters.tool.trim() } : {}),
      ...(filters.decision ? { decision: filters.decision } : {}),
    }),
    [filters],
  );

  const load = useCallback(
    async (beforeSeq?: number) => {
      const api = currentApi();
      if (!api) return;
      try {
        const page: HistoryPage = await api.call('history', { ...query, ...(beforeSeq !== undefined ? { beforeSeq } : {}) });
        setError(undefined);
        setRecords((current) => (beforeSeq === undefined ? page.records : [...current, ...page.records]));
        setNext(page.nextBeforeSeq);
      } catch (e) {
        setError((e as Error).message);
      }
    },
    [query],
  );

  // New audit lines refresh the first page (cheap: one page, newest first).
  useEffect(() => {
    if (connection === 'open') void load();
  }, [load, auditTick, connection]);

  const selected = records.find((r) => r.seq === selectedSeq);
  return (
    <div className="history-layout">
      <div className="history-list-pane">
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="filters">
          <label>
            server
            <select value={filters.server} onChange={(e) => setFilters({ ...filters, server: e.target.value })}>
              <option value="">all</option>
              {servers.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            tool
            <input type="search" value={filters.tool} placeholder="exact tool name" onChange={(e) => setFilters({ ...filters, tool: e.target.value })} />
          </label>
          <label>
            decision
            <select value={filters.decision} onChange={(e) => setFilters({ ...filters, decision: e.target.value as HistoryFilters['decision'] })}>
              <option value="">any</option>
              <option value="allow">allowed</option>
              <option value="deny">denied</option>
            </select>
          </label>
        </form>
        {error && <p className="error-text">{error}</p>}
        {records.length === 0 ? (
          <p className="muted empty-inline">No records match. Calls, decisions and server events appear here as they happen.</p>
        ) : (
          <table className="history-table">
            <thead>
              <tr>
                <th>time</th>
                <th>server</th>
                <th>what</th>
                <th>detail</th>
              </tr>
            </thead>
            <tbody>
              {records.map((record) => {
                const s = summaryOf(record);
                return (
                  <tr
                    key={record.seq}
                    className={record.seq === selectedSeq ? 'selected' : undefined}
                    onClick={() => setSelectedSeq(record.seq)}
                    tabIndex={0}
                    onKeyDown={(e) => e.key === 'Enter' && setSelectedSeq(record.seq)}
                    aria-selected={record.seq === selectedSeq}
                  >
                    <td className="nowrap muted">{formatDateTime(record.ts)}</td>
                    <td className="mono">{'server' in record ? record.server ?? '' : ''}</td>
                    <td className="mono">
                      <Visible text={s.what} oneLine />
                    </td>
                    <td>
                      <span className={`tone tone-${s.tone}`}>
                        <Visible text={s.detail} oneLine />
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {next !== undefined && (
          <button type="button" className="btn load-more" onClick={() => load(next)}>
            Load older records
          </button>
        )}
      </div>
      <aside className="history-detail" aria-label="record detail">
        {selected ? <RecordDetail record={selected} /> : <p className="muted">Select a record to see everything it holds.</p>}
      </aside>
    </div>
  );
}

export function RecordDetail({ record }: { record: AuditRecord }) {
  return (
    <div className="record-detail">
      <h2 className="mono">
        #{record.seq} {record.type}
      </h2>
      <dl className="facts">
        <dt>time</dt>
        <dd>{formatDateTime(record.ts)}</dd>
        {record.type === 'call' && (
          <>
            <dt>host</dt>
            <dd>
              <Visible text={`${record.host.name} ${record.host.version}`} oneLine /> <span className="muted">session {record.host.session.slice(0, 8)}</span>
            </dd>
            <dt>server</dt>
            <dd className="mono">{record.server}</dd>
            <dt>{record.method}</dt>
            <dd className="mono">
              <Visible text={record.target} oneLine />
            </dd>
            <dt>decision</dt>
            <dd>
              <span className={`tone tone-${record.decision}`}>{record.decision}</span> by {record.decidedBy}
              {record.outcome && ` · ${record.outcome}`}
            </dd>
            {record.note && (
              <>
                <dt>note</dt>
                <dd>
                  <FoldedText text={record.note} />
                </dd>
              </>
            )}
            <dt>request</dt>
            <dd className="mono small">{record.request}</dd>
          </>
        )}
        {record.type === 'result' && (
          <>
            <dt>server</dt>
            <dd className="mono">{record.server}</dd>
            <dt>tool</dt>
            <dd className="mono">
              <Visible text={record.target} oneLine />
            </dd>
            <dt>outcome</dt>
            <dd>
              {record.outcome} in {record.durationMs} ms{record.bytes !== undefined && ` · ${record.bytes.toLocaleString()} bytes`}
              {record.errorCode !== undefined && ` · error ${record.errorCode}`}
            </dd>
            {record.summary && (
              <>
                <dt>result</dt>
                <dd>
                  <pre className="summary">
                    <FoldedText text={record.summary} />
                  </pre>
                </dd>
              </>
            )}
          </>
        )}
        {record.type === 'event' && (
          <>
            <dt>event</dt>
            <dd>{record.event}</dd>
            {record.server && (
              <>
                <dt>server</dt>
                <dd className="mono">{record.server}</dd>
              </>
            )}
            {record.by && (
              <>
                <dt>by</dt>
                <dd>{record.by}</dd>
              </>
            )}
            {record.detail && (
              <>
                <dt>detail</dt>
                <dd>
                  <FoldedText text={record.detail} />
                </dd>
              </>
            )}
          </>
        )}
        <dt>call</dt>
        <dd className="mono small">{'call' in record ? record.call : '—'}</dd>
        <dt>hash</dt>
        <dd className="mono small">{record.hash}</dd>
      </dl>
      {record.type === 'call' && (
        <>
          <h3>Resources touched</h3>
          <ResourceChips resources={record.resources} />
          <h3>Parameters (secrets redacted)</h3>
          <JsonTree value={record.params} label="recorded parameters" />
        </>
      )}
    </div>
  );
}
