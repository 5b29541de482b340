import { useEffect, useRef } from 'react';
import type { PendingItem } from '../../../shared/types';
import { ItemCard, itemHeadline } from '../cards/ItemCard';
import { actions, useAirlock } from '../state/store';
import { OperationTag } from '../ui/Operation';
import { formatSeconds, useNow } from '../ui/useNow';
import { Visible } from '../ui/Visible';
import { toVisibleText } from '../../../shared/visible';
import { pointerJoin } from '../../../shared/secrets';
import { EmptyPending } from './EmptyStates';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** A, S, D, R act on the selected card; arrows move between cards. Never while typing. */
function useKeyboard(selected: PendingItem | undefined) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowRight' || e.key === 'j') {
        actions.move(1);
        e.preventDefault();
        return;
      }
      if (e.key === 'ArrowUp' || e.key === 'ArrowLeft' || e.key === 'k') {
        actions.move(-1);
        e.preventDefault();
        return;
      }
      if (e.key === 'Escape') {
        actions.askRevoke(undefined);
        return;
      }
      if (!selected || e.repeat) return;
      const key = e.key.toLowerCase();
      const state = useAirlock.getState();
      const draft = state.denyDrafts[selected.id];
      if (key === 'r') {
        actions.askRevoke(selected.id);
      } else if (selected.kind === 'call') {
        if (key === 'a') void actions.approve(selected.id, selected.hash, 'once', selected.target);
        else if (key === 's') void actions.approve(selected.id, selected.hash, 'session', selected.target);
        else if (key === 'd') void actions.deny(selected.id, draft);
        else return;
      } else if (selected.kind === 'definitions') {
        const undecided = selected.items.filter((i) => i.state !== 'approved').map((i) => ({ key: i.key, hash: i.hash }));
        if (key === 'a') void actions.approveDefinitions(selected.id, undecided);
        else if (key === 'd') void actions.rejectDefinitions(selected.id, undecided);
        else return;
      } else {
        // Sampling, elicitation and roots requests use the same commands as calls.
        const what = `${selected.kind} for ${selected.server}`;
        if (key === 'a') void actions.approve(selected.id, selected.hash, 'once', what);
        else if (key === 's') void actions.approve(selected.id, selected.hash, 'session', what);
        else if (key === 'd') void actions.deny(selected.id, draft);
        else return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selected]);
}

/** A short line telling calls to the same tool apart; secret-shaped values stay masked. */
function argumentsPreview(args: unknown, secretPointers: Set<string>): string {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return '';
  const parts = Object.entries(args as Record<string, unknown>).map(([key, value]) => {
    // Nested values are shown only when no secret sits inside them, so nothing masked leaks here.
    const pointer = pointerJoin('', key);
    const nestedSecret = [...secretPointers].some((p) => p.startsWith(`${pointer}/`));
    const shown = secretPointers.has(pointer)
      ? '•••'
      : nestedSecret
        ? Array.isArray(value)
          ? '[…]'
          : '{…}'
        : JSON.stringify(value) ?? '';
    return `${key}: ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}`;
  });
  return toVisibleText(parts.join(', ').slice(0, 160), { keepLayout: false });
}

function QueueRow({ item, selected }: { item: PendingItem; selected: boolean }) {
  const now = useNow(1000);
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const deadline = 'holdDeadline' in item ? item.holdDeadline : undefined;
  const expired = item.kind === 'call' ? item.expired : deadline !== undefined && deadline <= now;
  return (
    <li>
      <button
        ref={ref}
        type="button"
        className={`queue-row${selected ? ' selected' : ''}`}
        aria-current={selected ? 'true' : undefined}
        data-item-id={item.id}
        onClick={() => actions.select(item.id)}
      >
        <span className="queue-main">
          <span className="queue-target mono">
            <Visible text={itemHeadline(item)} oneLine />
          </span>
          {item.kind === 'call' ? <OperationTag op={item.operation.effective} /> : <span className="op op-review">{item.kind}</span>}
        </span>
        {item.kind === 'call' && <span className="queue-args mono">{argumentsPreview(item.arguments, new Set(item.secrets.map((s) => s.pointer)))}</span>}
        <span className="queue-sub">
          <span className="mono">{item.server}</span>
          {'host' in item && (
            <span className="muted">
              {' · '}
              <Visible text={item.host.name} oneLine />
            </span>
          )}
          <span className={`queue-time${expired ? ' expired' : ''}`}>{deadline === undefined ? '' : expired ? 'waiting' : formatSeconds(deadline - now)}</span>
        </span>
      </button>
    </li>
  );
}

/** Home: the queue of held items (oldest first) and the selected card. */
export function PendingScreen() {
  const pending = useAirlock((s) => s.pending);
  const selectedId = useAirlock((s) => s.selectedId);
  const selected = pending.find((p) => p.id === selectedId) ?? pending[0];
  useKeyboard(selected);

  if (pending.length === 0) return <EmptyPending />;
  return (
    <div className="pending-layout">
      <nav className="queue" aria-label="waiting for you">
        <p className="queue-count">
          {pending.length} waiting <span className="muted small">· oldest first</span>
        </p>
        <ol>
          {pending.map((item) => (
            <QueueRow key={item.id} item={item} selected={item.id === selected?.id} />
          ))}
        </ol>
      </nav>
      <div className="card-pane" key={selected?.id}>
        {selected && <ItemCard item={selected} />}
      </div>
    </div>
  );
}
