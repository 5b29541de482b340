import type { HostConfigView, HostView } from '../../../../shared/hosts';
import { Visible } from '../../ui/Visible';
import { EntryRow } from './EntryRow';

const SCOPE: Record<HostConfigView['scope'], string> = {
  user: 'user',
  local: 'this project, private to you',
  project: 'project file',
};

/** One config file (and the place inside it): its path, whether it could be read, and its entries. */
export function ConfigBlock({ host, config }: { host: HostView; config: HostConfigView }) {
  return (
    <section className="host-config" aria-label={`config ${config.file}`} data-file={config.file}>
      <header className="host-config-head">
        <code className="host-file">
          <Visible text={config.file} oneLine />
        </code>
        <span className="muted small">
          <Visible text={config.where} oneLine /> · {SCOPE[config.scope]} · {config.format}
        </span>
      </header>
      {config.error ? (
        <p className="host-config-error" role="alert">
          <strong>Airlock cannot read this file, so it leaves it untouched.</strong> <Visible text={config.error} />
        </p>
      ) : !config.exists ? (
        <p className="muted small host-config-empty">No file yet: {host.name} has no servers here.</p>
      ) : config.entries.length === 0 ? (
        <p className="muted small host-config-empty">No servers in this file.</p>
      ) : (
        <ul className="host-entries">
          {config.entries.map((entry) => (
            <EntryRow key={entry.key} host={host} config={config} entry={entry} />
          ))}
        </ul>
      )}
    </section>
  );
}
