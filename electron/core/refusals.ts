/** The words Airlock puts in front of an agent. Short, generic, and clear about what to do next. */

export function deniedByPerson(target: string, message?: string): string {
  const base = `The user denied this call to ${target} in Airlock. Do not retry unless the user asks.`;
  return message ? `${base} The user said: ${message}` : base;
}

export function deniedByRule(target: string, server: string): string {
  return `Airlock's rules do not allow ${target} on "${server}". Do not retry unless the user asks.`;
}

export const PAUSED = 'Airlock is paused: every call is refused until the user resumes it in Airlock.';

export function revoked(server: string): string {
  return `The server "${server}" is revoked in Airlock: every request is refused until the user restores it (airlock restore ${server}).`;
}

export function unknownServer(server: string): string {
  return `No server named "${server}" is registered in Airlock. Add it with: airlock add ${server} -- <command> [args…]`;
}

export function waitingForApproval(target: string): string {
  return `This call to ${target} is waiting for approval in Airlock. Ask the user to approve it in the Airlock window, then retry the identical call within 10 minutes.`;
}

export function auditUnavailable(problem: string): string {
  return `Airlock refused this call because it cannot record it (${problem}). Calls flow again once the audit log can be written.`;
}

export const NOT_RUNNING =
  'Airlock is not running, so this server is not available. Start it with `airlock serve` (or open the Airlock app), then restart this server in your host.';

export function withheld(target: string, state: 'changed' | 'unapproved'): string {
  const why = state === 'changed' ? 'changed since the user approved it' : 'not approved by the user yet';
  return `${target} is ${why}, so Airlock withholds it until the user reviews it in Airlock. Do not retry unless the user asks.`;
}
