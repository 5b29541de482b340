import { useHosts } from '../../state/hosts';

/** On the Hosts tab: how many servers started bypassing Airlock while it was running. */
export function HostAlertBadge() {
  const alerts = useHosts((s) => s.view?.alerts.length ?? 0);
  if (alerts === 0) return null;
  return (
    <span className="badge badge-warn" aria-label={`${alerts} host alert${alerts === 1 ? '' : 's'}`}>
      {alerts}
    </span>
  );
}
