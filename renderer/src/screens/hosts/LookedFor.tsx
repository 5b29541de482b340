import type { HostView } from '../../../../shared/hosts';
import { Visible } from '../../ui/Visible';

/** Hosts Airlock looked for and did not find, with the files it checked. */
export function LookedFor({ hosts }: { hosts: HostView[] }) {
  return (
    <ul className="looked-for">
      {hosts.map((host) => (
        <li key={host.id} data-host={host.id}>
          <strong>{host.name}</strong>
          {host.configs.length === 0 ? (
            <span className="muted small"> — no user-level file for this platform</span>
          ) : (
            host.configs.map((c) => (
              <code key={`${c.file}\u0000${c.where}`} className="host-file">
                <Visible text={c.file} oneLine />
              </code>
            ))
          )}
        </li>
      ))}
    </ul>
  );
}
