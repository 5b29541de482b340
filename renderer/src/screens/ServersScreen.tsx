import { useEffect, useState } from 'react';
import type { Rule, ServerView } from '../../../shared/types';
import { HistorySettings } from '../history/settings/HistorySettings';
import { actions, useAirlock } from '../state/store';
import { ServerDefinitions } from './ServerDefinitions';
import { AuthorityView } from '../ui/Authority';
import { formatDateTime } from '../ui/useNow';
import { Visible } from '../ui/Visible';

function RuleRow({ rule }: { rule: Rule }) {
  const busy = useAirlock((s) => Boolean(s.busy[`rule:${rule.id}`]));
  return (
    <li className="rule" data-rule-id={rule.id}>
      <span className={`rule-action action-${rule.action}`}>{rule.action}</span>
      <code className="mono">{rule.tool === '*' ? 'every tool' : <Visible text={rule.tool} oneLine />}</code>
      <span className="muted small">
        {rule.source} · {formatDateTime(rule.createdAt)}
      </span>
      <button type="button" className="btn small" disabled={busy} onClick={() => actions.removeRule(rule.id)} aria-label={`Remove rule ${rule.action} ${rule.tool}`}>
        Remove
      </button>
    </li>
  );
}

/** Airlock is the OAuth client of a remote server: log in (system browser) or out (tokens revoked and deleted). */
function RemoteLogin({ server }: { server: ServerView }) {
  const busy = useAirlock((s) => Boolean(s.busy[`login:${server.name}`]));
  const [link, setLink] = useState<string | undefined>();
  const signedIn = server.authority.kind === 'remote' && Boolean(server.authority.issuer && server.authority.expiresAt);
  // The sign-in link is spent once a token arrives.
  useEffect(() => {
    if (signedIn) setLink(undefined);
  }, [signedIn]);
  if (server.authority.kind !== 'remote' || server.state === 'revoked') return null;
  return (
    <div className="remote-login">
      <button
        type="button"
        className="btn"
        disabled={busy}
        onClick={async () => {
          const started = await actions.login(server.name);
          setLink(started?.authorizationUrl);
        }}
      >
        {signedIn ? 'Log in again' : 'Log in'}
      </button>
      {signedIn && (
        <button type="button" className="btn" disabled={busy} onClick={() => actions.logout(server.name)}>
          Log out
        </button>
      )}
      {link && (
        <span className="small">
          {/* The core checked this URL (https, or http on loopback) before handing it over. */}
          Continue in your browser:{' '}
          <a href={link} target="_blank" rel="noopener noreferrer">
            open the sign-in page
          </a>
        </span>
      )}
    </div>
  );
}

function ServerCard({ server }: { server: ServerView }) {
  const [confirming, setConfirming] = useState(false);
  const busy = useAirlock((s) => Boolean(s.busy[`server:${server.name}`]));
  const pendingItems = useAirlock((s) => s.pending);
  const pending = pendingItems.filter((p) => p.server === server.name).length;
  const state = server.state === 'revoked' ? 'revoked' : server.state === 'running' ? 'running' : 'idle';
  return (
    <article className={`card server-card state-${state}`} data-server={server.name} aria-label={`server ${server.name}`}>
      <header className="server-head">
        <h2 className="mono">{server.name}</h2>
        <span className={`state-chip state-${state}`}>{state}</span>
        <span className="muted small">
          {server.sessions} session{server.sessions === 1 ? '' : 's'}
          {pending > 0 && ` · ${pending} waiting`}
        </span>
        <span className="spacer" />
        {server.state === 'revoked' ? (
          <button type="button" className="btn" disabled={busy} onClick={() => actions.restore(server.name)}>
            Restore
          </button>
        ) : confirming ? (
          <span className="inline-confirm" role="alertdialog" aria-label={`Revoke ${server.name}?`}>
            <span className="small">Refuse every call and stop its processes?</span>
            <button
              type="button"
              className="btn danger"
              disabled={busy}
              autoFocus
              onClick={async () => {
                await actions.revoke(server.name);
                setConfirming(false);
              }}
            >
              Revoke
            </button>
            <button type="button" className="btn" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="btn danger-outline" onClick={() => setConfirming(true)}>
            Revoke
          </button>
        )}
      </header>
      {server.revoked && (
        <p className="revoked-note">
          Revoked {formatDateTime(server.revoked.at)} by {server.revoked.by}. Every request is refused until you restore it.
        </p>
      )}
      <ServerDefinitions server={server} />
      <section className="card-section" aria-label="permission story">
        <h3>Permission story</h3>
        <div>
          <AuthorityView authority={server.authority} />
          <RemoteLogin server={server} />
        </div>
      </section>
      <section className="card-section" aria-label="rules">
        <h3>Rules</h3>
        {server.rules.length === 0 ? (
          <p className="muted small">No rules: every call asks. “Always allow this tool” on a card adds one.</p>
        ) : (
          <ul className="rules">
            {server.rules.map((rule) => (
              <RuleRow key={rule.id} rule={rule} />
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}

/** Loosening settings: only here, in the window, never from a file or socket an agent can reach. */
function Settings() {
  const status = useAirlock((s) => s.status);
  const busy = useAirlock((s) => Boolean(s.busy.settings));
  if (!status) return null;
  return (
    <section className="card settings" aria-label="settings">
      <label className="setting">
        <input
          type="checkbox"
          checked={status.trustOnFirstUse}
          disabled={busy}
          onChange={(e) => actions.updateSettings({ trustOnFirstUse: e.target.checked })}
        />
        <span>
          <strong>Trust on first use</strong>
          <span className="muted small"> — approve a new server’s first tool set without a review (recorded in the log). Changes are still reviewed.</span>
        </span>
      </label>
      <label className="setting">
        <span>
          <strong>Hold time</strong>
          <span className="muted small"> — how long a call waits for you before the agent is told it is waiting in Airlock</span>
        </span>
        <select
          value={String(status.holdBudgetMs)}
          disabled={busy}
          onChange={(e) => actions.updateSettings({ holdBudgetMs: Number(e.target.value) })}
          aria-label="Hold time"
        >
          {[...new Set([15_000, 30_000, 50_000, 120_000, 300_000, status.holdBudgetMs])]
            .sort((a, b) => a - b)
            .map((ms) => (
              <option key={ms} value={ms}>
                {ms < 60_000 ? `${ms / 1000} s` : `${ms / 60_000} min`}
              </option>
            ))}
        </select>
      </label>
      <HistorySettings />
    </section>
  );
}

export function ServersScreen() {
  const servers = useAirlock((s) => s.servers);
  if (servers.length === 0) {
    return (
      <div className="empty">
        <h2>No servers yet.</h2>
        <p className="muted">Register a local MCP server; hosts then launch it through Airlock with `airlock connect &lt;name&gt;`.</p>
        <pre className="command">
          <code>airlock add files -- npx -y @modelcontextprotocol/server-filesystem ~/projects</code>
        </pre>
        <p className="muted">Or let Airlock rewrite a host's configuration for you, one click per host:</p>
        <p>
          <button type="button" className="btn primary" onClick={() => actions.show('hosts')}>
            Protect a host…
          </button>
        </p>
      </div>
    );
  }
  return (
    <div className="servers">
      <Settings />
      {servers.map((server) => (
        <ServerCard key={server.name} server={server} />
      ))}
    </div>
  );
}
