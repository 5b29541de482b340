import { useState } from 'react';
import type { CallRecord } from '../../../shared/history';
import { ruleMatches } from '../../../shared/policy';
import type { Rule } from '../../../shared/types';
import { actions, useAirlock } from '../state/store';
import { Visible } from '../ui/Visible';
import { historyActions, useHistory } from './store';

function RuleLine({ rule }: { rule: Rule }) {
  return (
    <li className="rule">
      <span className={`rule-action action-${rule.action}`}>{rule.action}</span>
      <code className="mono">{rule.tool === '*' ? 'every tool' : <Visible text={rule.tool} oneLine />}</code>
      <span className="muted small">
        <Visible text={rule.source} oneLine />
      </span>
    </li>
  );
}

/**
 * "Create rule from this call": allow or deny this tool on this server from now on. Deny beats
 * allow, so the rules that already apply are shown first; the new rule appears on the Servers
 * screen and can be undone from the notice.
 */
export function CreateRule({ call, intact }: { call: CallRecord; intact: boolean }) {
  const [open, setOpen] = useState(false);
  const [action, setAction] = useState<'allow' | 'deny'>(call.decision);
  const [created, setCreated] = useState<Rule | undefined>();
  const busy = useHistory((s) => s.ruleBusy);
  const registered = useAirlock((s) => s.servers.some((v) => v.name === call.server));
  const rules = useAirlock((s) => s.rules);
  const connected = useAirlock((s) => s.connection === 'open');
  const applying = rules.filter((r) => ruleMatches(r, call.server, call.target));
  const wildcard = call.target === '*';

  if (created) {
    return (
      <div className="create-rule done" role="status">
        <span>
          Rule created: <b>{created.action}</b>{' '}
          <code className="mono">
            <Visible text={created.tool} oneLine />
          </code>{' '}
          on <b className="mono">{created.server}</b>.
        </span>
        <button type="button" className="btn small" onClick={() => actions.show('servers')}>
          Show on Servers
        </button>
      </div>
    );
  }
  if (!intact) {
    // A line edited after it was written may name any tool: no rule is offered from it.
    return <p className="muted small create-rule">No rule is offered from a record that fails its hash check.</p>;
  }
  if (!open) {
    return (
      <div className="create-rule">
        <button
          type="button"
          className="btn"
          disabled={!connected || !registered || wildcard}
          onClick={() => setOpen(true)}
          title={registered ? 'Allow or deny this tool on this server from now on' : `${call.server} is not registered now`}
        >
          Create rule from this call
        </button>
        {!registered && <span className="muted small"> {call.server} is not registered now; a rule for it would never apply.</span>}
      </div>
    );
  }
  return (
    <form
      className="create-rule open"
      aria-label="Create rule from this call"
      onSubmit={async (e) => {
        e.preventDefault();
        const rule = await historyActions.createRule({ server: call.server, tool: call.target, action, fromSeq: call.seq });
        if (rule) setCreated(rule);
      }}
    >
      <p>
        From now on, when an agent calls{' '}
        <code className="mono">
          <Visible text={call.target} oneLine />
        </code>{' '}
        on <b className="mono">{call.server}</b>:
      </p>
      <div className="choices" role="radiogroup" aria-label="rule action">
        <label>
          <input type="radio" name="rule-action" value="allow" checked={action === 'allow'} onChange={() => setAction('allow')} /> <b>Allow</b> without asking
          <span className="muted small"> — any arguments, any host</span>
        </label>
        <label>
          <input type="radio" name="rule-action" value="deny" checked={action === 'deny'} onChange={() => setAction('deny')} /> <b>Deny</b> every time
          <span className="muted small"> — the agent is told a rule refused it</span>
        </label>
      </div>
      {applying.length > 0 && (
        <div className="small">
          Rules that already apply (deny wins over allow):
          <ul className="rules">
            {applying.map((r) => (
              <RuleLine key={r.id} rule={r} />
            ))}
          </ul>
        </div>
      )}
      <div className="action-row">
        <button type="submit" className="btn primary" disabled={busy}>
          {action === 'allow' ? 'Create allow rule' : 'Create deny rule'}
        </button>
        <button type="button" className="btn" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
