import type { HostConfigView, HostEntryView, HostView } from '../../../../shared/hosts';
import { hostsActions, useHosts } from '../../state/hosts';
import { Visible } from '../../ui/Visible';
import { commandLine } from './commandLine';
import { EntryStateChip } from './StateChip';

function entryBusyKey(host: HostView, config: HostConfigView, entry: HostEntryView): string {
  return `entry:${host.id}:${config.project ?? ''}:${entry.key}`;
}

/** The launch line, exactly as the host will run it: this is what "one-click configuration" changes. */
function Launch({ entry }: { entry: HostEntryView }) {
  if (entry.url !== undefined) {
    return (
      <div className="host-launch">
        <span className="host-launch-label">url</span>
        <code className="host-command">
          <Visible text={entry.url} oneLine />
        </code>
      </div>
    );
  }
  if (entry.command === undefined) return null;
  const label = entry.state === 'protected' ? 'runs' : entry.state === 'unprotected' ? 'runs directly' : 'command';
  return (
    <>
      <div className="host-launch">
        <span className="host-launch-label">{label}</span>
        <code className="host-command" data-testid="host-command">
          <Visible text={commandLine(entry.command, entry.args)} oneLine />
        </code>
      </div>
      {entry.envNames && entry.envNames.length > 0 && (
        <div className="host-launch">
          <span className="host-launch-label">with</span>
          <span data-testid="host-env">
            {entry.envNames.map((name) => (
              <code key={name} className="env-name">
                <Visible text={name} oneLine />
              </code>
            ))}
            <span className="muted small"> (variable names only)</span>
          </span>
        </div>
      )}
    </>
  );
}

/** Core-written sentences start lower-case (they also end CLI lines); here they stand alone. */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function Details({ entry }: { entry: HostEntryView }) {
  switch (entry.state) {
    case 'protected':
      return (
        <p className="host-entry-note muted small">
          Every call goes through the Airlock server <b className="mono">{entry.airlockName}</b>.
          {!entry.restorable && ' Airlock did not write this entry here, so it holds no original to restore.'}
        </p>
      );
    case 'unprotected':
      return (
        <p className="host-entry-note muted small">
          Calls reach this server without asking you. Protect imports it as the Airlock server <b className="mono">{entry.airlockName}</b> and keeps the host’s key for it
          {entry.envNames && entry.envNames.length > 0 ? '; secret-looking variable values move to Airlock’s encrypted store.' : '.'}
        </p>
      );
    default:
      return entry.reason ? (
        <p className="host-entry-note muted small">
          <Visible text={sentence(entry.reason)} />
        </p>
      ) : null;
  }
}

/** One server entry of a host file: its state, what it runs, and the one-click action that applies. */
export function EntryRow({ host, config, entry }: { host: HostView; config: HostConfigView; entry: HostEntryView }) {
  const key = entryBusyKey(host, config, entry);
  const busy = useHosts((s) => Boolean(s.busy[key]));
  const project = config.project !== undefined ? { project: config.project } : {};
  return (
    <li className={`host-entry host-entry-${entry.state}`} data-entry={entry.key} data-state={entry.state}>
      <div className="host-entry-head">
        <code className="host-entry-key">
          <Visible text={entry.key} oneLine />
        </code>
        <EntryStateChip entry={entry} />
        <span className="muted small">{entry.transport}</span>
        <span className="spacer" />
        {entry.state === 'unprotected' && (
          <button
            type="button"
            className="btn small primary"
            disabled={busy}
            aria-label={`Protect ${entry.key}`}
            onClick={() => hostsActions.protect({ host: host.id, servers: [entry.key], ...project }, host.name, key)}
          >
            Protect
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
      <Launch entry={entry} />
      <Details entry={entry} />
    </li>
  );
}
