import type { AuditRecord } from '../../../shared/audit';
import { formatDateTime } from '../ui/useNow';
import { FoldedText, Visible } from '../ui/Visible';
import { duration, bytes } from './format';

/** A line of the full log that is not a call (a result, or an event such as a rule added or a trim). */
export function RecordDetail({ record }: { record: Exclude<AuditRecord, { type: 'call' }> }) {
  return (
    <article className="record-detail" data-seq={record.seq}>
      <header className="detail-head">
        <div className="card-title">
          <span className="kind-label">{record.type}</span>
          <h2 className="tool-name mono">
            <Visible text={record.type === 'event' ? record.event : record.target} oneLine />
          </h2>
        </div>
        <p className="muted small">
          #{record.seq.toLocaleString()} · {formatDateTime(record.ts)}
        </p>
      </header>
      <dl className="facts detail-facts">
        {record.type === 'result' && (
          <>
            <dt>server</dt>
            <dd className="mono">
              <Visible text={record.server} oneLine />
            </dd>
            <dt>call id</dt>
            <dd className="mono">
              <Visible text={record.call} oneLine />
            </dd>
            <dt>outcome</dt>
            <dd>
              {record.outcome} in {duration(record.durationMs)}
              {record.bytes !== undefined && ` · ${bytes(record.bytes)}`}
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
            {record.server && (
              <>
                <dt>server</dt>
                <dd className="mono">
                  <Visible text={record.server} oneLine />
                </dd>
              </>
            )}
            {record.session && (
              <>
                <dt>session</dt>
                <dd className="mono">
                  <Visible text={record.session} oneLine />
                </dd>
              </>
            )}
            {record.by && (
              <>
                <dt>by</dt>
                <dd>
                  <Visible text={record.by} oneLine />
                </dd>
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
            {record.trimmed && (
              <>
                <dt>trimmed</dt>
                <dd>
                  records #{record.trimmed.firstSeq.toLocaleString()}–#{record.trimmed.lastSeq.toLocaleString()} ({record.trimmed.records.toLocaleString()} records,{' '}
                  {bytes(record.trimmed.bytes)}) in {record.trimmed.segments.length} segment{record.trimmed.segments.length === 1 ? '' : 's'}:{' '}
                  <Visible text={record.trimmed.reason} oneLine />
                </dd>
              </>
            )}
          </>
        )}
        <dt>hash</dt>
        <dd className="mono small">{record.hash}</dd>
        <dt>prev</dt>
        <dd className="mono small">{record.prev}</dd>
      </dl>
    </article>
  );
}
