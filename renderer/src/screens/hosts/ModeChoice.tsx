import type { HostView } from '../../../../shared/hosts';
import { hostsActions, useHosts } from '../../state/hosts';
import { httpRefusal, MODE_CHOICE, type ProtectMode } from './modes';

/** The mode this host's Protect buttons use: the person's choice, never HTTP where the host cannot take it. */
export function useProtectMode(host: HostView): ProtectMode {
  const chosen = useHosts((s) => s.modes[host.id]);
  return chosen === 'http' && !httpRefusal(host.id, host.name) ? 'http' : 'stdio';
}

function Option({ host, mode, checked, refusal }: { host: HostView; mode: ProtectMode; checked: boolean; refusal?: string }) {
  const { title, detail } = MODE_CHOICE[mode];
  return (
    <label className={`host-mode-option${refusal ? ' disabled' : ''}${checked ? ' checked' : ''}`} title={refusal}>
      <input type="radio" name={`protect-mode-${host.id}`} value={mode} checked={checked} disabled={Boolean(refusal)} onChange={() => hostsActions.setMode(host.id, mode)} />
      <span>
        {mode === 'stdio' ? (
          <>
            Through <code>airlock connect</code>
          </>
        ) : (
          title
        )}{' '}
        <span className="muted">({detail})</span>
        {refusal && <span className="host-mode-refusal small">{refusal}</span>}
      </span>
    </label>
  );
}

/**
 * How Protect points this host at Airlock: a wrapper it launches (no secret in its file) or the HTTP
 * ingress (its file holds the host's token). Claude Desktop reads stdio entries only: HTTP is off, with why.
 */
export function ModeChoice({ host }: { host: HostView }) {
  const mode = useProtectMode(host);
  const refusal = httpRefusal(host.id, host.name);
  const title = `protect-mode-title-${host.id}`;
  return (
    <div className="host-mode" role="radiogroup" aria-labelledby={title} data-testid="protect-mode">
      <span id={title} className="host-mode-title muted small">
        Protect connects {host.name} to Airlock
      </span>
      <div className="host-mode-options">
        <Option host={host} mode="stdio" checked={mode === 'stdio'} />
        <Option host={host} mode="http" checked={mode === 'http'} refusal={refusal} />
      </div>
    </div>
  );
}
