/** What a notification says about a pending item (pure, so it is tested without Electron). */
import type { PendingItem } from '../../shared/types';
import { toVisibleText } from '../../shared/visible';

/** Notification text is untrusted server text too: hidden characters shown, length bounded. */
function clean(text: string, max = 120): string {
  const visible = toVisibleText(text, { keepLayout: false });
  return visible.length > max ? `${visible.slice(0, max)}…` : visible;
}

export function notificationText(item: PendingItem): { title: string; body: string } {
  switch (item.kind) {
    case 'call':
      return {
        title: `${item.server} wants to run ${clean(item.target, 60)}`,
        body: `${item.operation.effective} · asked by ${clean(item.host.name, 40)}${item.resources[0] ? ` · ${clean(item.resources[0].resolved)}` : ''}`,
      };
    case 'definitions':
      return { title: `${item.server}: ${item.items.length} tool definition${item.items.length === 1 ? '' : 's'} to review`, body: item.reason === 'first-sight' ? 'A new server offers tools.' : 'Definitions changed since you approved them.' };
    case 'sampling':
      return { title: `${item.server} asks your model to generate text`, body: 'Review the sampling request in Airlock.' };
    case 'elicitation':
      return { title: `${item.server} asks you for input`, body: clean(item.message) };
    case 'roots':
      return { title: `${item.server} asks which folders are open`, body: 'Review the roots request in Airlock.' };
  }
}
