import type { HostId } from '../../../../shared/hosts';
import type { OutcomeFact } from '../../state/hostSummaries';
import { hostsActions, useHosts } from '../../state/hosts';
import { Visible } from '../../ui/Visible';

function Facts({ facts }: { facts: OutcomeFact[] }) {
  return (
    <dl className="host-outcome-facts" data-testid="host-outcome-facts">
      {facts.map((fact) => (
        <div key={fact.label}>
          <dt>{fact.label}</dt>
          <dd>{fact.code ? <code>
              <Visible text={fact.value} oneLine />
            </code> : <Visible text={fact.value} />}</dd>
        </div>
      ))}
    </dl>
  );
}

/** What the last Protect / Unprotect on this host did, or why nothing was changed. */
export function HostOutcomeView({ host }: { host: HostId }) {
  const outcome = useHosts((s) => s.outcomes[host]);
  if (!outcome) return null;
  return (
    <div className={`host-outcome host-outcome-${outcome.tone}`} role={outcome.tone === 'error' ? 'alert' : 'status'} data-testid="host-outcome">
      <div className="host-outcome-head">
        <strong>{outcome.title}</strong>
        <span className="spacer" />
        <button type="button" className="close" aria-label="Dismiss" onClick={() => hostsActions.dismissOutcome(host)}>
          ×
        </button>
      </div>
      {outcome.facts && outcome.facts.length > 0 && <Facts facts={outcome.facts} />}
      {outcome.caution && (
        <p className="host-outcome-caution" data-testid="host-outcome-caution">
          <Visible text={outcome.caution} />
        </p>
      )}
      {outcome.lines.length > 0 && (
        <ul>
          {outcome.lines.map((line, i) => (
            <li key={i}>
              <Visible text={line} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
