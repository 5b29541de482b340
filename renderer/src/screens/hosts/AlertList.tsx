import type { HostAlert } from '../../../../shared/hosts';
import { hostsActions, useHosts } from '../../state/hosts';
import { formatDateTime } from '../../ui/useNow';
import { Visible } from '../../ui/Visible';

const KIND: Record<HostAlert['kind'], string> = {
  'unprotected-server': 'new server, not protected',
  'wrapper-removed': 'Airlock wrapper removed',
};

function AlertRow({ alert }: { alert: HostAlert }) {
  const key = `alert:${alert.id}`;
  const busy = useHosts((s) => Boolean(s.busy[key]));
  return (
    <li className={`host-alert host-alert-${alert.kind}`} data-alert={alert.id} data-server={alert.server}>
      <div className="host-alert-text">
        <span className="kind-label">{KIND[alert.kind]}</span>
        <span>
          <Visible text={alert.message} />
        </span>
        <span className="muted small">
          noticed {formatDateTime(alert.at)}
          {alert.protect.mode === 'http' && ' · Protect puts it back over HTTP to Airlock’s ingress, as it was'}
        </span>
      </div>
      <button
        type="button"
        className="btn primary"
        disabled={busy}
        aria-label={`Protect ${alert.server} in ${alert.hostName}`}
        onClick={() => hostsActions.protect(alert.protect, alert.hostName, key)}
      >
        {alert.protect.mode === 'http' ? 'Protect over HTTP' : 'Protect'}
      </button>
    </li>
  );
}

/** Host files that changed behind Airlock's back while it was running: each fixed in one click. */
export function AlertList({ alerts }: { alerts: HostAlert[] }) {
  if (alerts.length === 0) return null;
  return (
    <section className="card host-alerts" aria-label="host alerts">
      <header className="host-alerts-head">
        <h2>
          {alerts.length} server{alerts.length === 1 ? '' : 's'} bypass{alerts.length === 1 ? 'es' : ''} Airlock
        </h2>
        <span className="muted small">A host file changed while Airlock was running. Calls to these servers are not held for you until you protect them.</span>
      </header>
      <ul className="host-alert-list">
        {alerts.map((alert) => (
          <AlertRow key={alert.id} alert={alert} />
        ))}
      </ul>
    </section>
  );
}
