import '../history.css';
import { useCallback, useEffect, useState } from 'react';
import type { InputOf } from '../../../../shared/contract';
import type { HistorySettingsView } from '../../../../shared/history';
import { currentApi, notify, useAirlock } from '../../state/store';
import { RetentionSetting } from './RetentionSetting';
import { TelemetrySetting } from './TelemetrySetting';

/** History settings (retention, OpenTelemetry export), beside the other settings on the Servers screen. */
export function HistorySettings() {
  const connected = useAirlock((s) => s.connection === 'open');
  const [view, setView] = useState<HistorySettingsView | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    const api = currentApi();
    if (!connected || !api) return;
    let live = true;
    api.call('historySettings', {}).then(
      (v) => live && setView(v),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [connected]);

  const save = useCallback(async (change: InputOf<'setHistorySettings'>, done: string): Promise<boolean> => {
    const api = currentApi();
    if (!api) return false;
    setBusy(true);
    try {
      setView(await api.call('setHistorySettings', change));
      notify(done);
      return true;
    } catch (e) {
      notify((e as Error).message, 'error');
      return false;
    } finally {
      setBusy(false);
    }
  }, []);

  if (error) return <p className="error-text small">History settings are unavailable: {error}</p>;
  if (!view) return null;
  return (
    <>
      <RetentionSetting
        view={view}
        busy={busy}
        save={(retention) =>
          save(
            { retention },
            retention.maxDays === undefined && retention.maxMegabytes === undefined
              ? 'Retention off: the whole history is kept.'
              : `Retention saved: keep ${[retention.maxDays !== undefined ? `${retention.maxDays} days` : '', retention.maxMegabytes !== undefined ? `${retention.maxMegabytes} MB` : ''].filter(Boolean).join(' and at most ')}.`,
          )
        }
      />
      <TelemetrySetting
        view={view}
        busy={busy}
        save={(telemetry) =>
          save({ telemetry }, telemetry === null ? 'OpenTelemetry export removed.' : telemetry?.enabled ? 'OpenTelemetry export on.' : 'OpenTelemetry export saved (off).')
        }
      />
    </>
  );
}
