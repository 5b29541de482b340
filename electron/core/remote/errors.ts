import type { LoginReason } from './token-store';

/** A request to a remote server cannot go on until a person logs in (or logs in again with more scope). */
export class LoginRequired extends Error {
  constructor(
    readonly server: string,
    readonly reason: LoginReason,
    readonly scope?: string,
  ) {
    super(loginMessage(server, reason, scope));
    this.name = 'LoginRequired';
  }
}

export function loginMessage(server: string, reason: LoginReason, scope?: string): string {
  const how = `Run \`airlock login ${server}\`, or use Log in on Airlock's Servers screen, then retry.`;
  if (reason === 'step-up') {
    return `The remote server "${server}" needs more permission than Airlock's login holds${scope ? ` (scope "${scope}")` : ''}. ${how}`;
  }
  if (reason === 'expired') return `Airlock's login for the remote server "${server}" expired and could not be refreshed. ${how}`;
  return `The remote server "${server}" needs you to log in before Airlock can reach it. ${how}`;
}

/** Discovery or login failed for a reason a person can act on; the message says which. */
export class OAuthFlowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OAuthFlowError';
  }
}
