import type { CallRecord } from '../../../shared/history';
import type { DefinitionKind, ServerDefinition } from '../../../shared/types';
import { useAirlock } from '../state/store';
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
 * Which definition of the tool was in force when the call was decided. Airlock keeps the approved
 * version of each definition (its pin) and when it was approved, not every earlier version: when
 * the pin predates the call it was the one in force; when it is newer, the definition changed
 * after the call and the older version is not kept. Said plainly, never guessed.
 */
export function DefinitionInForce({ call }: { call: CallRecord }) {
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
      <p className="muted small">
        Airlock keeps only the approved version of each definition, and the log does not record which version a call met: an earlier text and its diff cannot be shown here.
      </p>
    </div>
  );
}
