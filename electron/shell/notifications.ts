/** One OS notification per new pending item; clicking it opens the window on that card. */
import { Notification } from 'electron';
import type { PendingItem } from '../../shared/types';
import { notificationText } from './notification-text';

export class PendingNotifications {
  /** Kept so they are not garbage-collected (which drops the click handler) and can be withdrawn. */
  private readonly shown = new Map<string, Notification>();

  constructor(
    private readonly onClick: (id: string) => void,
    private readonly enabled: () => boolean,
  ) {}

  added(item: PendingItem): void {
    if (!this.enabled() || !Notification.isSupported()) return;
    const { title, body } = notificationText(item);
    const notification = new Notification({ title, body, silent: false, urgency: 'normal' });
    notification.on('click', () => this.onClick(item.id));
    notification.on('close', () => this.shown.delete(item.id));
    this.shown.set(item.id, notification);
    notification.show();
  }

  /** A decided or withdrawn item's notification is stale: take it away. */
  removed(id: string): void {
    this.shown.get(id)?.close();
    this.shown.delete(id);
  }
}
