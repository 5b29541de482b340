/** Quitting denies every held call (the hosts are told), so it asks first when any wait. */
import type { MessageBoxSyncOptions } from 'electron';

export function quitPrompt(pending: number): MessageBoxSyncOptions {
  return {
    type: 'warning',
    buttons: ['Keep Airlock running', 'Quit and deny them'],
    defaultId: 0,
    cancelId: 0,
    title: 'Quit Airlock?',
    message: `${pending} call${pending === 1 ? ' is' : 's are'} waiting for you.`,
    detail: 'If Airlock quits now, each waiting call is denied and its agent is told so. Servers stop until Airlock runs again.',
  };
}

/** True when the app may quit: nothing waits, or the person chose to quit anyway. */
export function quitDecision(pending: number, ask: (options: MessageBoxSyncOptions) => number): boolean {
  if (pending === 0) return true;
  return ask(quitPrompt(pending)) === 1;
}
