import type { ReactNode } from 'react';
import type { HostEntryView } from '../../../../shared/hosts';
import { Visible } from '../../ui/Visible';
import { commandLine } from './commandLine';

function Line({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="host-launch">
      <span className="host-launch-label">{label}</span>
      {children}
    </div>
  );
}

/** Names only (variables, headers): their values are secrets and never reach the window. */
function Names({ names, testId, note }: { names: string[]; testId: string; note: string }) {
  return (
    <span data-testid={testId}>
      {names.map((name) => (
        <code key={name} className="env-name">
          <Visible text={name} oneLine />
        </code>
      ))}
      <span className="muted small"> ({note})</span>
    </span>
  );
}

function launchLabel(entry: HostEntryView): string {
  return entry.state === 'protected' ? 'runs' : entry.state === 'unprotected' ? 'runs directly' : 'command';
}

/**
 * How the host reaches the server, exactly as its file says: the command it launches, or the URL it
 * connects to (with header names). This is what Protect changes, so it is shown as written.
 */
export function EntryLaunch({ entry }: { entry: HostEntryView }) {
  if (entry.url !== undefined) {
    const viaIngress = entry.state === 'protected' && entry.mode === 'http';
    return (
      <>
        <Line label={viaIngress ? 'connects to' : entry.state === 'unprotected' ? 'connects directly' : 'url'}>
          <code className="host-command" data-testid="host-url">
            <Visible text={entry.url} oneLine />
          </code>
        </Line>
        {viaIngress ? (
          <Line label="with">
            <span data-testid="host-token-note">
              <code className="env-name">Authorization</code>
              <span className="muted small"> — the host token, in the host file (never shown here)</span>
            </span>
          </Line>
        ) : (
          entry.headerNames &&
          entry.headerNames.length > 0 && (
            <Line label="headers">
              <Names names={entry.headerNames} testId="host-headers" note="names only" />
            </Line>
          )
        )}
      </>
    );
  }
  if (entry.command === undefined) return null;
  return (
    <>
      <Line label={launchLabel(entry)}>
        <code className="host-command" data-testid="host-command">
          <Visible text={commandLine(entry.command, entry.args)} oneLine />
        </code>
      </Line>
      {entry.envNames && entry.envNames.length > 0 && (
        <Line label="with">
          <Names names={entry.envNames} testId="host-env" note="variable names only" />
        </Line>
      )}
    </>
  );
}
