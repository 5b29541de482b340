import type { HostEntryView } from '../../../../shared/hosts';
import { useAirlock } from '../../state/store';
import { Visible } from '../../ui/Visible';
import type { ProtectMode } from './modes';

/** Core-written sentences start lower-case (they also end CLI lines); here they stand alone. */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Where the Airlock server behind a protected entry connects, when it is a remote one. */
function Upstream({ airlockName }: { airlockName: string }) {
  const spec = useAirlock((s) => s.servers.find((server) => server.name === airlockName)?.spec);
  if (!spec || spec.transport === 'stdio') return null;
  return (
    <>
      {' '}
      It connects to <Visible text={spec.url} oneLine className="mono" /> over {spec.transport === 'sse' ? 'SSE' : 'Streamable HTTP'}
      {spec.headerNames.length > 0 && (
        <>
          , sending <Visible text={spec.headerNames.join(', ')} oneLine className="mono" /> from Airlock’s encrypted store
        </>
      )}
      .
    </>
  );
}

function ProtectedNote({ entry }: { entry: HostEntryView }) {
  return (
    <p className="host-entry-note muted small">
      Every call goes through the Airlock server <b className="mono">{entry.airlockName}</b>
      {entry.mode === 'http' ? ', over HTTP to Airlock’s ingress; the host file holds the host token.' : entry.restorable ? '; this entry keeps no secret.' : '.'}
      {entry.airlockName !== undefined && <Upstream airlockName={entry.airlockName} />}
      {!entry.restorable && ' Airlock did not write this entry here, so it holds no original to restore.'}
    </p>
  );
}

function UnprotectedNote({ entry, mode }: { entry: HostEntryView; mode: ProtectMode }) {
  const remote = entry.transport !== 'stdio';
  const how = mode === 'http' ? ' and points the host at Airlock’s HTTP ingress' : '';
  const secrets = remote
    ? entry.headerNames && entry.headerNames.length > 0
      ? '; header values move to Airlock’s encrypted store.'
      : '; if the server asks for a login, Airlock logs in.'
    : entry.envNames && entry.envNames.length > 0
      ? '; secret-looking variable values move to Airlock’s encrypted store.'
      : '.';
  return (
    <p className="host-entry-note muted small">
      Calls reach this {remote ? 'remote ' : ''}server without asking you. Protect imports it as the Airlock {remote ? 'remote ' : ''}server{' '}
      <b className="mono">{entry.airlockName}</b>
      {how}, keeping the host’s key for it{secrets}
    </p>
  );
}

/** One sentence on what this entry's state means and what Protect would do. */
export function EntryNote({ entry, mode }: { entry: HostEntryView; mode: ProtectMode }) {
  if (entry.state === 'protected') return <ProtectedNote entry={entry} />;
  if (entry.state === 'unprotected') return <UnprotectedNote entry={entry} mode={mode} />;
  return entry.reason ? (
    <p className="host-entry-note muted small">
      <Visible text={sentence(entry.reason)} />
    </p>
  ) : null;
}
