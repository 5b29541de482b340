import type { HostView } from '../../../shared/hosts';
import { hostsActions, useHosts } from '../state/hosts';
import { Visible } from '../ui/Visible';
import { AlertList } from './hosts/AlertList';
import { HostCard } from './hosts/HostCard';
import { LookedFor } from './hosts/LookedFor';
import { NameDialog } from './hosts/NameDialog';
import { ProjectPicker } from './hosts/ProjectPicker';
import './hosts/hosts.css';

/** A host counts as found when its folder exists or any of its files does. */
function found(host: HostView): boolean {
  return host.installed || host.configs.some((c) => c.exists);
}

function NoHosts({ hosts }: { hosts: HostView[] }) {
  return (
    <div className="empty" data-testid="empty-hosts">
      <h2>No agent hosts found.</h2>
      <p className="muted">
        Airlock looked for the MCP configuration of these hosts in this user’s home folder and found none. Install or open a host once, add a server to it, and it appears
        here to protect. Project files are read for the projects hosts remember, or for a folder you name below.
      </p>
      <LookedFor hosts={hosts} />
    </div>
  );
}

/** Agent hosts on this machine, their MCP config files, and which servers go through Airlock. */
export function HostsScreen() {
  const view = useHosts((s) => s.view);
  const loadError = useHosts((s) => s.loadError);
  if (!view) {
    return (
      <div className="empty">
        {loadError ? (
          <p className="error-text" role="alert">
            Cannot list hosts: <Visible text={loadError} />
          </p>
        ) : (
          <p className="muted">Looking for agent hosts…</p>
        )}
      </div>
    );
  }
  const present = view.hosts.filter(found);
  const absent = view.hosts.filter((h) => !found(h));
  return (
    <div className="hosts">
      <div className="hosts-toolbar">
        <p className="muted small">
          Protect imports a host’s servers (local and remote) into Airlock and rewrites each entry to go through it — launching <code>airlock connect</code>, or
          over HTTP to Airlock’s ingress — keeping its key and everything else in the file (a backup goes beside it). Unprotect puts the original back.
        </p>
        <span className="spacer" />
        <button type="button" className="btn small" onClick={() => void hostsActions.refresh()}>
          Look again
        </button>
      </div>
      {loadError && (
        <p className="error-text" role="alert">
          Cannot refresh the hosts list: <Visible text={loadError} />
        </p>
      )}
      <AlertList alerts={view.alerts} />
      {present.length === 0 ? (
        <NoHosts hosts={view.hosts} />
      ) : (
        <>
          {present.map((host) => (
            <HostCard key={host.id} host={host} />
          ))}
          {absent.length > 0 && (
            <details className="card hosts-absent">
              <summary>
                Not found on this machine: {absent.map((h) => h.name).join(', ')}
              </summary>
              <LookedFor hosts={absent} />
            </details>
          )}
        </>
      )}
      <ProjectPicker projects={view.projects} />
      <NameDialog />
    </div>
  );
}
