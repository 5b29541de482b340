import type { HostConfigView, HostEntryView, HostView } from '../../../../shared/hosts';
import { hostsActions, useHosts } from '../../state/hosts';
import { Visible } from '../../ui/Visible';
import { ConfigBlock } from './ConfigBlock';
import { HostOutcomeView } from './HostOutcomeView';
import { ModeChoice, useProtectMode } from './ModeChoice';

interface Group {
  project?: string;
  configs: HostConfigView[];
}

/** User-level places first, then one group per project: protect and unprotect act on one group at a time. */
function groups(host: HostView): Group[] {
  const user: Group = { configs: host.configs.filter((c) => c.project === undefined) };
  const byProject = new Map<string, HostConfigView[]>();
  for (const c of host.configs) if (c.project !== undefined) byProject.set(c.project, [...(byProject.get(c.project) ?? []), c]);
  return [...(user.configs.length ? [user] : []), ...[...byProject].map(([project, configs]) => ({ project, configs }))];
}

function count(configs: HostConfigView[], state: HostEntryView['state']): number {
  return configs.reduce((n, c) => n + c.entries.filter((e) => e.state === state).length, 0);
}

function GroupActions({ host, group }: { host: HostView; group: Group }) {
  const key = `host:${host.id}:${group.project ?? ''}`;
  const busy = useHosts((s) => Boolean(s.busy[key]));
  const mode = useProtectMode(host);
  const unprotected = count(group.configs, 'unprotected');
  const restorable = group.configs.reduce((n, c) => n + c.entries.filter((e) => e.state === 'protected' && e.restorable).length, 0);
  const project = group.project !== undefined ? { project: group.project } : {};
  const where = group.project !== undefined ? `${host.name} in ${group.project}` : host.name;
  return (
    <span className="host-actions">
      <button
        type="button"
        className="btn primary"
        disabled={busy || unprotected === 0}
        aria-label={`Protect all servers of ${where}`}
        title={
          unprotected === 0
            ? 'No unprotected servers here'
            : `Route ${unprotected} server${unprotected === 1 ? '' : 's'} through Airlock${mode === 'http' ? ' over HTTP (the host file gets its token)' : ' with airlock connect'}`
        }
        onClick={() => hostsActions.protect({ host: host.id, ...project, mode }, host.name, key)}
      >
        {mode === 'http' ? 'Protect all over HTTP' : 'Protect all'}
      </button>
      <button
        type="button"
        className="btn"
        disabled={busy || restorable === 0}
        aria-label={`Unprotect all servers of ${where}`}
        title={restorable === 0 ? 'Airlock wrapped nothing here' : 'Put the original entries back'}
        onClick={() => hostsActions.unprotect({ host: host.id, ...project }, host.name, key)}
      >
        Unprotect all
      </button>
    </span>
  );
}

function Summary({ configs }: { configs: HostConfigView[] }) {
  const prot = count(configs, 'protected');
  const unprot = count(configs, 'unprotected');
  const unsupported = count(configs, 'unsupported');
  const broken = configs.filter((c) => c.error).length;
  const parts = [`${prot} of ${prot + unprot} server${prot + unprot === 1 ? '' : 's'} protected`, ...(unsupported ? [`${unsupported} cannot be protected`] : [])];
  const tone = broken ? 'error' : unprot > 0 ? 'warn' : prot > 0 ? 'ok' : 'none';
  return (
    <span className={`host-summary host-summary-${tone}`}>
      {parts.join(' · ')}
      {broken > 0 && ` · ${broken} unreadable file${broken === 1 ? '' : 's'}`}
    </span>
  );
}

/** One agent host: where it keeps its servers, which go through Airlock, and one click to change that. */
export function HostCard({ host }: { host: HostView }) {
  const all = groups(host);
  // With project groups, each group (user-level too) carries its own buttons, so none is ambiguous.
  const grouped = all.some((g) => g.project !== undefined);
  return (
    <article className="card host-card" data-host={host.id} aria-label={`host ${host.name}`}>
      <header className="host-head">
        <h2>{host.name}</h2>
        <Summary configs={host.configs} />
        <span className="spacer" />
        {!grouped && all[0] && <GroupActions host={host} group={all[0]} />}
      </header>
      {count(host.configs, 'unprotected') > 0 && <ModeChoice host={host} />}
      <HostOutcomeView host={host.id} />
      {all.map((group) => (
        <div key={group.project ?? ''} className="host-group">
          {grouped && (
            <header className="host-group-head">
              {group.project !== undefined ? (
                <>
                  <span className="kind-label">project</span>
                  <code className="host-file">
                    <Visible text={group.project} oneLine />
                  </code>
                </>
              ) : (
                <>
                  <span className="kind-label">user</span>
                  <span className="muted small">every project</span>
                </>
              )}
              <span className="spacer" />
              <GroupActions host={host} group={group} />
            </header>
          )}
          {group.configs.map((config) => (
            <ConfigBlock key={`${config.file}\u0000${config.where}`} host={host} config={config} />
          ))}
        </div>
      ))}
    </article>
  );
}
