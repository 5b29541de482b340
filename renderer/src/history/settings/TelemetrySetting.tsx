import { useEffect, useState } from 'react';
import type { InputOf } from '../../../../shared/contract';
import { setHistorySettingsSchema, type HistorySettingsView } from '../../../../shared/history';
import { Visible } from '../../ui/Visible';

export type TelemetryChange = InputOf<'setHistorySettings'>['telemetry'];

interface HeaderDraft {
  name: string;
  value: string;
}

const DEFAULT_ENDPOINT = 'http://127.0.0.1:4318/v1/traces';

/** Header names already stored: values never leave the core, so they are shown as names only. */
function StoredHeaders({ names }: { names: string[] }) {
  if (names.length === 0) return <span className="muted small">none</span>;
  return (
    <span className="env-names" data-testid="stored-headers">
      {names.map((n) => (
        <code key={n} className="env-name">
          <Visible text={n} oneLine />
        </code>
      ))}
      <span className="muted small">(values stored, never shown)</span>
    </span>
  );
}

function HeaderEditor({ drafts, onChange, disabled }: { drafts: HeaderDraft[]; onChange: (next: HeaderDraft[]) => void; disabled: boolean }) {
  const update = (i: number, patch: Partial<HeaderDraft>) => onChange(drafts.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  return (
    <div className="header-editor">
      {drafts.map((d, i) => (
        <div key={i} className="setting-row">
          <input
            type="text"
            className="header-name"
            placeholder="Header-Name"
            value={d.name}
            maxLength={64}
            spellCheck={false}
            autoComplete="off"
            disabled={disabled}
            aria-label={`header ${i + 1} name`}
            onChange={(e) => update(i, { name: e.target.value })}
          />
          <input
            type="password"
            className="header-value"
            placeholder="value (write-only)"
            value={d.value}
            maxLength={4096}
            autoComplete="new-password"
            disabled={disabled}
            aria-label={`header ${i + 1} value`}
            onChange={(e) => update(i, { value: e.target.value })}
          />
          <button type="button" className="link" disabled={disabled} onClick={() => onChange(drafts.filter((_, j) => j !== i))}>
            remove
          </button>
        </div>
      ))}
      <button type="button" className="link" disabled={disabled} onClick={() => onChange([...drafts, { name: '', value: '' }])}>
        + add header
      </button>
    </div>
  );
}

/**
 * Optional export of call records as OpenTelemetry spans over OTLP/HTTP. Off by default; redaction
 * applies before anything leaves. Header values (collector keys) are write-only: the window can
 * replace them, never read them.
 */
export function TelemetrySetting({ view, save, busy }: { view: HistorySettingsView; save: (telemetry: TelemetryChange) => Promise<boolean>; busy: boolean }) {
  const current = view.telemetry;
  const [enabled, setEnabled] = useState(current?.enabled ?? false);
  const [endpoint, setEndpoint] = useState(current?.endpoint ?? DEFAULT_ENDPOINT);
  const [includeArguments, setIncludeArguments] = useState(current?.includeArguments ?? false);
  const [replacing, setReplacing] = useState(false);
  const [drafts, setDrafts] = useState<HeaderDraft[]>([]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    setEnabled(current?.enabled ?? false);
    setEndpoint(current?.endpoint ?? DEFAULT_ENDPOINT);
    setIncludeArguments(current?.includeArguments ?? false);
    setReplacing(false);
    setDrafts([]);
  }, [current?.enabled, current?.endpoint, current?.includeArguments, current?.headerNames.join('\n')]);

  const submit = async () => {
    const headers = replacing ? Object.fromEntries(drafts.filter((d) => d.name.trim() !== '').map((d) => [d.name.trim(), d.value])) : undefined;
    if (replacing && drafts.some((d) => d.name.trim() !== '' && d.value === '')) {
      setError('Each header needs a value (values are write-only: type them again to replace them).');
      return;
    }
    const change = { enabled, endpoint: endpoint.trim(), includeArguments, ...(headers ? { headers } : {}) };
    const parsed = setHistorySettingsSchema.safeParse({ telemetry: change });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = String(issue.path[issue.path.length - 1] ?? '');
      setError(
        field === 'endpoint'
          ? 'Endpoint: an http:// or https:// URL, e.g. http://127.0.0.1:4318/v1/traces.'
          : `${field ? `${field}: ` : ''}${issue.message}. Header names are letters, digits and dashes.`,
      );
      return;
    }
    setError(undefined);
    await save(parsed.data.telemetry);
  };

  const dirty =
    enabled !== (current?.enabled ?? false) ||
    endpoint.trim() !== (current?.endpoint ?? DEFAULT_ENDPOINT) ||
    includeArguments !== (current?.includeArguments ?? false) ||
    replacing;

  return (
    <form
      className="setting-block"
      aria-label="OpenTelemetry export"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label className="inline setting-title">
        <input type="checkbox" checked={enabled} disabled={busy} onChange={(e) => setEnabled(e.target.checked)} />
        <strong>Send call records to OpenTelemetry</strong>
        <span className="muted small"> — each call as a span over OTLP/HTTP to the collector your team runs. Off by default; redaction applies first.</span>
      </label>
      {(enabled || current) && (
        <div className="setting-indent">
          <label className="stacked">
            <span className="small muted">endpoint (OTLP/HTTP traces)</span>
            <input
              type="url"
              className="endpoint"
              value={endpoint}
              maxLength={2048}
              spellCheck={false}
              disabled={busy}
              onChange={(e) => setEndpoint(e.target.value)}
              aria-label="OTLP endpoint"
            />
          </label>
          <div className="stacked">
            <span className="small muted">headers</span>
            {replacing ? (
              <>
                <HeaderEditor drafts={drafts} onChange={setDrafts} disabled={busy} />
                <span className="muted small">These replace every stored header{drafts.length === 0 ? ' (none: all are removed)' : ''}.</span>
                <button type="button" className="link" onClick={() => setReplacing(false)}>
                  keep the stored headers
                </button>
              </>
            ) : (
              <span>
                <StoredHeaders names={current?.headerNames ?? []} />{' '}
                <button
                  type="button"
                  className="link"
                  disabled={busy}
                  onClick={() => {
                    setReplacing(true);
                    setDrafts((current?.headerNames ?? []).map((name) => ({ name, value: '' })).concat(current?.headerNames.length ? [] : [{ name: '', value: '' }]));
                  }}
                >
                  {current?.headerNames.length ? 'replace headers' : 'add headers'}
                </button>
              </span>
            )}
          </div>
          <label className="inline">
            <input type="checkbox" checked={includeArguments} disabled={busy} onChange={(e) => setIncludeArguments(e.target.checked)} />
            Include redacted parameters and result summaries
          </label>
        </div>
      )}
      <div className="setting-row">
        <button type="submit" className="btn small" disabled={busy || !dirty}>
          Save export settings
        </button>
        {current && (
          <button type="button" className="btn small" disabled={busy} onClick={() => void save(null)}>
            Remove exporter
          </button>
        )}
        {current && (
          <span className="muted small" data-testid="telemetry-state">
            {current.enabled ? 'Sending to ' : 'Configured, off: '}
            <span className="mono">
              <Visible text={current.endpoint} oneLine />
            </span>
          </span>
        )}
      </div>
      {error && <span className="error-text small">{error}</span>}
    </form>
  );
}
