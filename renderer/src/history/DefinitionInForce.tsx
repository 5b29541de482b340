import type { CallRecord } from '../../../shared/history';
import { useEffect, useState } from 'react';
import type { DefinitionKind, DefinitionVersion, ServerDefinition } from '../../../shared/types';
import { currentApi, useAirlock } from '../state/store';
import { DefinitionDiffView } from '../ui/Diff';
import { formatDateTime } from '../ui/useNow';
import { Visible } from '../ui/Visible';

const KIND_OF_METHOD: Partial<Record<CallRecord['method'], DefinitionKind>> = {
  'tools/call': 'tool',
  'prompts/get': 'prompt',
  'resources/read': 'resource',
};

function Findings({ definition }: { definition: ServerDefinition }) {
  if (definition.findings === 0) return <span className="muted">no findings</span>;
  return (
    <span className={definition.highest === 'high' ? 'danger-text' : 'warn-text'}>
      {definition.findings} finding{definition.findings === 1 ? '' : 's'}
      {definition.highest ? ` (highest: ${definition.highest})` : ''}
    </span>
  );
}

/**
 * Which definition of the tool was in force when the call was decided. Calls record the hash of the
 * pinned version they were judged against, and Airlock keeps the last few approved versions, so the
 * text and its diff can be shown; when that version is no longer kept, that is said plainly.
 */
export function DefinitionInForce({ call }: { call: CallRecord }) {
  if (call.definition) return <RecordedDefinition call={call} recorded={call.definition} />;
  return <ApprovedNow call={call} />;
}

/** The call names the exact version it was judged against: show that version and how it came to be. */
function RecordedDefinition({ call, recorded }: { call: CallRecord; recorded: { key: string; hash: string } }) {
  const [version, setVersion] = useState<DefinitionVersion | undefined | 'loading' | 'error'>('loading');
  useEffect(() => {
    let live = true;
    const client = currentApi();
    if (!client) return setVersion('error');
    client
      .call('definitionAt', { server: call.server, key: recorded.key, hash: recorded.hash })
      .then((found) => live && setVersion(found))
      .catch(() => live && setVersion('error'));
    return () => {
      live = false;
    };
  }, [call.server, recorded.key, recorded.hash]);
  const name = (
    <span className="mono">
      <Visible text={call.target} oneLine />
    </span>
  );
  if (version === 'loading') return <p className="muted small">Looking up the version in force…</p>;
  if (version === 'error' || version === undefined) {
    return (
      <p className="muted small" data-testid="definition-verdict">
        The call was judged against version <code>{recorded.hash.slice(0, 12)}</code> of {name}; Airlock no longer keeps that version (it keeps the last few approved ones).
      </p>
    );
  }
  const description = (version.definition as { description?: unknown }).description;
  return (
    <div className="definition-in-force">
      <p data-testid="definition-verdict">
        {version.current ? <span className="ok-text">In force then and now</span> : <span className="warn-text">In force at the time; changed since</span>}: the version of{' '}
        {name} approved {formatDateTime(version.approvedAt)}
        {version.approvedBy === 'trust-on-first-use' ? ' (trusted on first use)' : ' by a person'}.
      </p>
      {typeof description === 'string' && (
        <blockquote className="definition-text">
          <Visible text={description} />
        </blockquote>
      )}
      {version.diff && (
        <>
          <p className="muted small">How this version differed from the one approved before it:</p>
          <DefinitionDiffView diff={version.diff} />
        </>
      )}
    </div>
  );
}

/** Older records name no version: compare the approval date of today's pin with the call. */
function ApprovedNow({ call }: { call: CallRecord }) {
  const server = useAirlock((s) => s.servers.find((v) => v.name === call.server));
  const kind = KIND_OF_METHOD[call.method];
  if (!kind) return <p className="muted small">Requests a server sends to the host ({call.method}) have no definition to pin.</p>;
  if (!server) {
    return (
      <p className="muted small">
        <span className="mono">{call.server}</span> is not registered now, so its definitions are not available.
      </p>
    );
  }
  const definition = server.definitions.find((d) => d.kind === kind && d.name === call.target);
  const name = (
    <span className="mono">
      <Visible text={call.target} oneLine />
    </span>
  );
  let verdict;
  if (!definition) {
    verdict = <p>No definition of {name} is pinned for this server now (the tool was removed, or resources are not pinned one by one).</p>;
  } else if (definition.state === 'approved' && definition.approvedAt) {
    const before = Date.parse(definition.approvedAt) <= Date.parse(call.ts);
    verdict = before ? (
      <p data-testid="definition-verdict">
        <span className="ok-text">In force at the time of this call</span>: the version of {name} approved {formatDateTime(definition.approvedAt)}
        {definition.approvedBy === 'trust-on-first-use' ? ' (trusted on first use)' : ' by a person'}, unchanged since. <Findings definition={definition} />.
      </p>
    ) : (
      <p data-testid="definition-verdict">
        <span className="warn-text">Changed since this call</span>: the version of {name} approved now dates from {formatDateTime(definition.approvedAt)}, after the call. The
        version that was in force then is not kept. <Findings definition={definition} />.
      </p>
    );
  } else if (definition.state === 'rejected') {
    verdict = <p className="warn-text">A later version of {name} was refused by a person; hosts do not see it.</p>;
  } else {
    verdict = (
      <p className="warn-text">
        A {definition.state} version of {name} is waiting for review.
      </p>
    );
  }
  return (
    <div className="definition-in-force">
      {verdict}
      <p className="muted small">This record is older than Airlock's per-call definition record, so the exact version it met is not known.</p>
    </div>
  );
}
