import type { HostConfigView, HostEntryView, HostView } from '../../../../shared/hosts';
import { hostsActions, useHosts } from '../../state/hosts';
import { Visible } from '../../ui/Visible';
import { EntryLaunch } from './EntryLaunch';
import { EntryNote } from './EntryNote';
import { useProtectMode } from './ModeChoice';
import { MODE_SHORT, transportLabel } from './modes';
import { EntryStateChip } from './StateChip';

function entryBusyKey(host: HostView, config: HostConfigView, entry: HostEntryView): string {
  return `entry:${host.id}:${config.project ?? ''}:${entry.key}`;
}

/** Protected: how the host reaches Airlock. Otherwise: what kind of server it is. */
function kindOf(entry: HostEntryView): string {
  return entry.state === 'protected' && entry.mode ? MODE_SHORT[entry.mode] : transportLabel(entry.transport);
}

/** One server entry of a host file: its state, what it runs or connects to, and the one-click action that applies. */
export function EntryRow({ host, config, entry }: { host: HostView; config: HostConfigView; entry: HostEntryView }) {
  const key = entryBusyKey(host, config, entry);
  const busy = useHosts((s) => Boolean(s.busy[key]));
  const mode = useProtectMode(host);
  const project = config.project !== undefined ? { project: config.project } : {};
  return (
    <li className={`host-entry host-entry-${entry.state}`} data-entry={entry.key} data-state={entry.state} data-mode={entry.mode}>
      <div className="host-entry-head">
        <code className="host-entry-key">
          <Visible text={entry.key} oneLine />
        </code>
        <EntryStateChip entry={entry} />
        <span className="muted small" data-testid="host-entry-kind">
          {kindOf(entry)}
        </span>
        <span className="spacer" />
        {entry.state === 'unprotected' && (
          <button
            type="button"
            className="btn small primary"
            disabled={busy}
            aria-label={`Protect ${entry.key}`}
            title={mode === 'http' ? 'Import it into Airlock and point the host at Airlock’s HTTP ingress' : 'Import it into Airlock and have the host launch airlock connect'}
            onClick={() => hostsActions.protect({ host: host.id, servers: [entry.key], ...project, mode }, host.name, key)}
          >
            {mode === 'http' ? 'Protect over HTTP' : 'Protect'}
          </button>
        )}
        {entry.state === 'protected' && entry.restorable && (
          <button
            type="button"
            className="btn small"
            disabled={busy}
            aria-label={`Unprotect ${entry.key}`}
            onClick={() => hostsActions.unprotect({ host: host.id, servers: [entry.key], ...project }, host.name, key)}
          >
            Unprotect
          </button>
        )}
      </div>
      <EntryLaunch entry={entry} />
      <EntryNote entry={entry} mode={mode} />
    </li>
  );
}
