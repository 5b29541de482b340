import { useMemo, useState } from 'react';
import type { CallRecord, HistoryEntry, ResultRecord } from '../../../shared/history';
import { useAirlock } from '../state/store';
import { AuthorityView } from '../ui/Authority';
import { JsonTree } from '../ui/JsonTree';
import { METHOD_LABEL } from '../ui/method-label';
import { ResourceChips } from '../ui/Resources';
import { formatDateTime } from '../ui/useNow';
import { FoldedText, Visible } from '../ui/Visible';
import { CreateRule } from './CreateRule';
import { DefinitionInForce } from './DefinitionInForce';
import { DetailSection } from './DetailSection';
import { DECIDED_BY_LABEL, OUTCOME_LABEL } from './filters';
import { bytes, duration, outcomeTone } from './format';
import { hasRedactions, maskableSecrets, secretKindInText } from './secrets';

function Header({ entry }: { entry: HistoryEntry }) {
  const { call, outcome, intact } = entry;
  return (
    <header className="detail-head">
      <div className="card-title">
        <span className="kind-label">{METHOD_LABEL[call.method]}</span>
        <h2 className="tool-name mono" data-testid="detail-tool">
          <Visible text={call.target} oneLine />
        </h2>
      </div>
      <p className="detail-chips">
        <span className={`chip-decision tone-bg-${call.decision}`}>{call.decision === 'allow' ? 'allowed' : 'denied'}</span>
        <span className="muted">by {DECIDED_BY_LABEL[call.decidedBy]}</span>
        {outcome !== 'denied' && (
          <span>
            <span className="muted">outcome </span>
            <span className={`outcome outcome-${outcomeTone(outcome)}`}>{OUTCOME_LABEL[outcome]}</span>
          </span>
        )}
        {intact ? (
          <span className="intact ok-text" title="Both records' hashes were recomputed now and match">
            ✓ record intact
          </span>
        ) : (
          <span className="intact danger-text" data-testid="not-intact" title="A hash recomputed now does not match the one logged">
            ✗ record does not match its hash — edited after it was written
          </span>
        )}
      </p>
      <p className="muted small">
        #{call.seq.toLocaleString()} · decided {formatDateTime(call.ts)}
      </p>
    </header>
  );
}

function WhoAndWhere({ call }: { call: CallRecord }) {
  return (
    <dl className="facts">
      <dt>host</dt>
      <dd>
        <b>
          <Visible text={call.host.name || 'unnamed host'} oneLine />
        </b>{' '}
        <span className="muted">
          <Visible text={call.host.version} oneLine />
        </span>
      </dd>
      <dt>session</dt>
      <dd>
        <span className="mono">
          <Visible text={call.host.session} oneLine />
        </span>{' '}
        <span className="muted">· {call.host.transport}</span>
      </dd>
      <dt>server</dt>
      <dd className="mono">
        <Visible text={call.server} oneLine />
      </dd>
      <dt>method</dt>
      <dd className="mono">{call.method}</dd>
    </dl>
  );
}

function Decision({ call }: { call: CallRecord }) {
  const rules = useAirlock((s) => s.rules);
  const rule = call.decidedBy === 'rule' && call.note ? rules.find((r) => r.id === call.note) : undefined;
  return (
    <dl className="facts">
      <dt>decision</dt>
      <dd>
        <span className={`tone tone-${call.decision}`}>{call.decision}</span> by {DECIDED_BY_LABEL[call.decidedBy]}
      </dd>
      {call.decidedBy === 'rule' && call.note && (
        <>
          <dt>rule</dt>
          <dd>
            {rule ? (
              <>
                <span className={`rule-action action-${rule.action}`}>{rule.action}</span>{' '}
                <code className="mono">{rule.tool === '*' ? 'every tool' : <Visible text={rule.tool} oneLine />}</code>{' '}
                <span className="muted small">
                  <Visible text={rule.source} oneLine /> · {formatDateTime(rule.createdAt)}
                </span>
              </>
            ) : (
              <span className="muted">
                rule <span className="mono">{call.note}</span> (since removed)
              </span>
            )}
          </dd>
        </>
      )}
      {call.note && call.decidedBy !== 'rule' && (
        <>
          <dt>{call.decidedBy === 'person' && call.decision === 'deny' ? 'message' : 'note'}</dt>
          <dd>
            <NoteText text={call.note} />
          </dd>
        </>
      )}
    </dl>
  );
}

/** Free text that may still hold a secret-shaped value: masked until clicked. */
function NoteText({ text, pre = false }: { text: string; pre?: boolean }) {
  const kind = secretKindInText(text);
  const [shown, setShown] = useState(false);
  if (kind && !shown) {
    return (
      <button type="button" className="secret-mask" onClick={() => setShown(true)} title="Holds a secret-shaped value. Click to show it.">
        <span aria-hidden="true">••••••••</span> <span className="secret-kind">{kind}</span> <span className="secret-hint">show</span>
      </button>
    );
  }
  return pre ? (
    <pre className="summary">
      <FoldedText text={text} />
    </pre>
  ) : (
    <FoldedText text={text} />
  );
}

function Result({ call, result, outcome }: { call: CallRecord; result?: ResultRecord; outcome: HistoryEntry['outcome'] }) {
  if (!result) {
    if (call.decision === 'deny') return <p className="muted small">Not forwarded: the server never saw this call.</p>;
    return (
      <p className="muted small">
        {outcome === 'pending' ? 'No result recorded yet: the call was forwarded and has not been answered (or Airlock stopped first).' : 'No result recorded.'}
      </p>
    );
  }
  return (
    <>
      <dl className="facts">
        <dt>outcome</dt>
        <dd>
          <span className={`outcome outcome-${outcomeTone(result.outcome)}`}>{OUTCOME_LABEL[result.outcome]}</span>
          {result.outcome === 'tool-error' && <span className="muted"> · isError: true</span>}
          {result.outcome === 'result' && <span className="muted"> · isError: false</span>}
          {result.errorCode !== undefined && <span className="muted"> · error code {result.errorCode}</span>}
        </dd>
        <dt>took</dt>
        <dd>{duration(result.durationMs)}</dd>
        {result.bytes !== undefined && (
          <>
            <dt>size</dt>
            <dd>{bytes(result.bytes)}</dd>
          </>
        )}
        <dt>answered</dt>
        <dd>{formatDateTime(result.ts)}</dd>
      </dl>
      {result.summary ? (
        <div className="result-summary" aria-label="result summary">
          <NoteText text={result.summary} pre />
          <p className="muted small">First lines of the text content, redacted as logged.</p>
        </div>
      ) : (
        <p className="muted small">No text content to summarise.</p>
      )}
    </>
  );
}

/** What the server could act with when the call was decided (recorded with it); older records fall back to today's story, labelled as such. */
function Authority({ call }: { call: CallRecord }) {
  const server = useAirlock((s) => s.servers.find((v) => v.name === call.server));
  if (call.authority) {
    return (
      <>
        <p className="muted small">As recorded with the call.</p>
        <AuthorityView authority={call.authority} />
      </>
    );
  }
  return (
    <>
      <p className="muted small">Not recorded with this call. {server ? 'As configured now (it may have differed at the time):' : `${call.server} is not registered now.`}</p>
      {server && <AuthorityView authority={server.authority} />}
    </>
  );
}

function RecordFacts({ entry }: { entry: HistoryEntry }) {
  const { call, result } = entry;
  return (
    <dl className="facts small">
      <dt>call id</dt>
      <dd className="mono">
        <Visible text={call.call} oneLine />
      </dd>
      <dt>request</dt>
      <dd className="mono">{call.request}</dd>
      <dt>#{call.seq}</dt>
      <dd className="mono">{call.hash}</dd>
      {result && (
        <>
          <dt>#{result.seq}</dt>
          <dd className="mono">{result.hash}</dd>
        </>
      )}
    </dl>
  );
}

/** One call, everything the log holds about it, and what can be done from here. */
export function CallDetail({ entry }: { entry: HistoryEntry }) {
  const { call, result, outcome } = entry;
  const secrets = useMemo(() => maskableSecrets(call.params), [call.params]);
  const redacted = useMemo(() => hasRedactions(call.params), [call.params]);
  return (
    <article className="call-detail" data-seq={call.seq} aria-label={`call ${call.target}`}>
      <Header entry={entry} />
      <DetailSection title="Who and where">
        <WhoAndWhere call={call} />
      </DetailSection>
      <DetailSection title="Resources touched">
        <ResourceChips resources={call.resources} />
      </DetailSection>
      <DetailSection title="Parameters">
        <JsonTree value={call.params} secrets={secrets} label="recorded parameters" />
        {redacted && <p className="muted small">Secret-shaped values were replaced by «redacted:…» markers before the call was logged.</p>}
      </DetailSection>
      <DetailSection title="Decision">
        <Decision call={call} />
      </DetailSection>
      <DetailSection title="Result">
        <Result call={call} outcome={outcome} {...(result ? { result } : {})} />
      </DetailSection>
      <DetailSection title="Authority">
        <Authority call={call} />
      </DetailSection>
      <DetailSection title="Definition">
        <DefinitionInForce call={call} />
      </DetailSection>
      <DetailSection title="Record">
        <RecordFacts entry={entry} />
      </DetailSection>
      <footer className="detail-actions">
        <CreateRule key={call.seq} call={call} intact={entry.intact} />
      </footer>
    </article>
  );
}
