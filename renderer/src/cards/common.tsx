import type { ReactNode } from 'react';
import type { HostInfo } from '../../../shared/types';
import { actions, useAirlock } from '../state/store';
import { Visible } from '../ui/Visible';

export function Section({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  return (
    <section className={`card-section${className ? ` ${className}` : ''}`} aria-label={title}>
      <h3>{title}</h3>
      <div className="section-body">{children}</div>
    </section>
  );
}

/** Who asked: the host's self-reported name and version (untrusted text), and its session. */
export function HostLine({ host, server }: { host: HostInfo; server: string }) {
  return (
    <p className="who">
      <span>
        server <b className="mono">{server}</b>
      </span>
      <span>
        asked by{' '}
        <b>
          <Visible text={host.name || 'unnamed host'} oneLine />
        </b>{' '}
        <span className="muted">
          <Visible text={host.version} oneLine />
        </span>
      </span>
      <span className="muted">
        session <span className="mono">{host.session.slice(0, 8)}</span> · {host.transport}
      </span>
    </p>
  );
}

/** Revoking is about the whole server, not this one call, so it sits apart from the decision buttons. */
export function RevokeButton({ itemId, server, busy }: { itemId: string; server: string; busy: boolean }) {
  return (
    <button
      type="button"
      className="btn danger-outline small revoke-button"
      disabled={busy}
      onClick={() => actions.askRevoke(itemId)}
      aria-keyshortcuts="R"
      title={`Refuse every call to ${server} and stop its processes, until you restore it`}
    >
      Revoke server <Kbd>R</Kbd>
    </button>
  );
}

/** The inline "are you sure" for revoking a whole server from a card. */
export function RevokeConfirm({ itemId, server }: { itemId: string; server: string }) {
  const open = useAirlock((s) => s.confirmRevoke === itemId);
  const busy = useAirlock((s) => Boolean(s.busy[`server:${server}`]));
  if (!open) return null;
  return (
    <div className="confirm" role="alertdialog" aria-label={`Revoke ${server}?`}>
      <p>
        <strong>Revoke {server}?</strong> Every call to it is refused, its processes are stopped and its pending cards are denied, until you restore it.
      </p>
      <div className="confirm-buttons">
        <button
          type="button"
          className="btn danger"
          autoFocus
          disabled={busy}
          onClick={async () => {
            await actions.revoke(server);
            actions.askRevoke(undefined);
          }}
        >
          Revoke
        </button>
        <button type="button" className="btn" onClick={() => actions.askRevoke(undefined)}>
          Cancel
        </button>
      </div>
    </div>
  );
}

export function Kbd({ children }: { children: ReactNode }) {
  return <kbd aria-hidden="true">{children}</kbd>;
}
