import type { Authority } from '../../../shared/types';
import { formatDateTime } from './useNow';
import { Visible } from './Visible';

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The permission story: what the server runs as, where, and with which credentials (names only). */
export function AuthorityView({ authority }: { authority: Authority }) {
  if (authority.kind === 'local') {
    return (
      <dl className="facts">
        <dt>runs</dt>
        <dd className="mono">
          <Visible text={[authority.command, ...authority.args].map(quoteArg).join(' ')} oneLine />
        </dd>
        <dt>in</dt>
        <dd className="mono">
          <Visible text={authority.cwd} oneLine />
        </dd>
        <dt>env</dt>
        <dd>
          {authority.envNames.length === 0 ? (
            <span className="muted">no variables beyond the safe defaults</span>
          ) : (
            <span className="env-names">
              {authority.envNames.map((name) => (
                <code key={name} className="env-name">
                  <Visible text={name} oneLine />
                </code>
              ))}
            </span>
          )}
          <span className="muted small"> (names only; values never leave Airlock)</span>
        </dd>
      </dl>
    );
  }
  return (
    <div className="authority">
      {authority.warnings.length > 0 && (
        // Authority problems come first: a token for another audience, scopes that grew, an expiry inside the hold time.
        <ul className="authority-warnings" role="alert">
          {authority.warnings.map((w, i) => (
            <li key={i}>
              <Visible text={w} />
            </li>
          ))}
        </ul>
      )}
      <dl className="facts">
        <dt>url</dt>
        <dd className="mono">
          <Visible text={authority.url} oneLine />
        </dd>
        <dt>issuer</dt>
        <dd className="mono">{authority.issuer ? <Visible text={authority.issuer} oneLine /> : <span className="muted">none (no OAuth)</span>}</dd>
        {authority.clientId && (
          <>
            <dt>client</dt>
            <dd className="mono">
              <Visible text={authority.clientId} oneLine />
            </dd>
          </>
        )}
        {authority.audience && authority.audience.length > 0 && (
          <>
            <dt>audience</dt>
            <dd className="mono">{authority.audience.join(', ')}</dd>
          </>
        )}
        <dt>scopes</dt>
        <dd>{authority.scopes && authority.scopes.length > 0 ? authority.scopes.map((s) => <code key={s} className="env-name">{s}</code>) : <span className="muted">none</span>}</dd>
        {authority.expiresAt && (
          <>
            <dt>expires</dt>
            <dd>{formatDateTime(authority.expiresAt)}</dd>
          </>
        )}
        {authority.account && (
          <>
            <dt>account</dt>
            <dd>
              <Visible text={authority.account} oneLine />
            </dd>
          </>
        )}
        {authority.headerNames.length > 0 && (
          <>
            <dt>headers</dt>
            <dd>{authority.headerNames.map((h) => <code key={h} className="env-name">{h}</code>)}</dd>
          </>
        )}
      </dl>
    </div>
  );
}
