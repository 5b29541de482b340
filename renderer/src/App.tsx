import { useEffect } from 'react';
import { HistoryScreen } from './screens/HistoryScreen';
import { HostAlertBadge } from './screens/hosts/HostAlertBadge';
import { HostsScreen } from './screens/HostsScreen';
import { PendingScreen } from './screens/PendingScreen';
import { ServersScreen } from './screens/ServersScreen';
import { actions, dismissNotice, useAirlock, type Screen } from './state/store';
import { Visible } from './ui/Visible';

const SCREENS: Array<{ id: Screen; label: string }> = [
  { id: 'pending', label: 'Pending' },
  { id: 'servers', label: 'Servers' },
  { id: 'hosts', label: 'Hosts' },
  { id: 'history', label: 'History' },
];

/** The kill switch, visible on every screen. Pausing refuses every call and denies what is waiting. */
function PauseSwitch() {
  const paused = useAirlock((s) => Boolean(s.status?.paused));
  const busy = useAirlock((s) => Boolean(s.busy.switch));
  const connected = useAirlock((s) => s.connection === 'open');
  return (
    <button
      type="button"
      role="switch"
      aria-checked={paused}
      className={`pause-switch${paused ? ' on' : ''}`}
      disabled={busy || !connected}
      onClick={() => (paused ? actions.resume() : actions.pause())}
      title={paused ? 'Resume: calls ask again' : 'Refuse every call now, and deny what is waiting'}
    >
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
      Pause all
    </button>
  );
}

function Banners() {
  const connection = useAirlock((s) => s.connection);
  const message = useAirlock((s) => s.connectionMessage);
  const status = useAirlock((s) => s.status);
  return (
    <div className="banners">
      {connection === 'lost' && (
        <div className="banner warn" role="alert">
          <strong>Lost the connection to Airlock.</strong> Held calls stay held — nothing is approved without you. {message ?? 'Reconnecting…'}
        </div>
      )}
      {status?.paused && connection === 'open' && (
        <div className="banner paused" role="status" data-testid="paused-banner">
          <strong>Paused.</strong> Every call is refused until you resume.
          <button type="button" className="btn small" onClick={() => actions.resume()}>
            Resume
          </button>
        </div>
      )}
      {status?.tampered && (
        <div className="banner danger" role="alert" data-testid="tampered-banner">
          <strong>Settings were changed outside Airlock.</strong> Their integrity check failed, so every server falls back to asking and no earlier approval counts until you review it.
        </div>
      )}
      {status?.auditProblem && (
        <div className="banner danger" role="alert" data-testid="audit-banner">
          <span>
            <strong>The audit log cannot be written:</strong> <Visible text={status.auditProblem.replace(/[.\s]+$/, '')} oneLine />. Calls are refused until it can.
          </span>
        </div>
      )}
    </div>
  );
}

function Notices() {
  const notices = useAirlock((s) => s.notices);
  useEffect(() => {
    if (notices.length === 0) return;
    const oldest = notices[0]!;
    const timer = setTimeout(() => dismissNotice(oldest.id), oldest.rule ? 12_000 : 6_000);
    return () => clearTimeout(timer);
  }, [notices]);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.tone}`} role={n.tone === 'error' ? 'alert' : 'status'}>
          <span>
            <Visible text={n.text} />
          </span>
          {n.rule && (
            <button
              type="button"
              className="btn small"
              onClick={async () => {
                if (await actions.removeRule(n.rule!.id)) dismissNotice(n.id);
              }}
            >
              Undo
            </button>
          )}
          <button type="button" className="close" aria-label="Dismiss" onClick={() => dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

export function App() {
  const screen = useAirlock((s) => s.screen);
  const count = useAirlock((s) => s.pending.length);
  const connection = useAirlock((s) => s.connection);
  const message = useAirlock((s) => s.connectionMessage);
  const version = useAirlock((s) => s.status?.version);

  useEffect(() => {
    document.title = count > 0 ? `(${count}) Airlock` : 'Airlock';
  }, [count]);

  if (connection === 'unavailable') {
    return (
      <div className="app">
        <div className="empty standalone" role="alert">
          <h1>Airlock</h1>
          <p>
            <Visible text={message ?? 'Cannot reach Airlock.'} />
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">
          <img src="./favicon.svg" alt="" width="20" height="20" /> Airlock
        </span>
        <nav className="tabs" aria-label="screens">
          {SCREENS.map(({ id, label }) => (
            <button key={id} type="button" className={`tab${screen === id ? ' active' : ''}`} aria-current={screen === id ? 'page' : undefined} onClick={() => actions.show(id)}>
              {label}
              {id === 'pending' && count > 0 && <span className="badge">{count}</span>}
              {id === 'hosts' && <HostAlertBadge />}
            </button>
          ))}
        </nav>
        <span className="spacer" />
        {connection === 'connecting' && <span className="muted small">connecting…</span>}
        {version && <span className="muted small version">v{version}</span>}
        <PauseSwitch />
      </header>
      <Banners />
      <main className={`screen screen-${screen}`}>
        {screen === 'pending' && <PendingScreen />}
        {screen === 'servers' && <ServersScreen />}
        {screen === 'hosts' && <HostsScreen />}
        {screen === 'history' && <HistoryScreen />}
      </main>
      <Notices />
    </div>
  );
}
