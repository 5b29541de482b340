/**
 * The window's state: a mirror of the core's views (status, pending, servers, rules) kept fresh
 * by contract events, plus what only the window knows (which card is selected, which screen).
 * Every change to the world goes through the contract; nothing here decides on its own.
 */
import { create } from 'zustand';
import type { ApiClient, CommandName, InputOf, OutputOf } from '../../../shared/contract';
import type { PendingItem, Rule, ServerView, StatusView } from '../../../shared/types';

export type Screen = 'pending' | 'servers' | 'hosts' | 'history';
export type ConnectionState = 'connecting' | 'open' | 'lost' | 'unavailable';

export interface Notice {
  id: number;
  tone: 'info' | 'error';
  text: string;
  /** A rule the notice is about, so it can be undone from the notice. */
  rule?: Rule;
}

export interface AirlockState {
  connection: ConnectionState;
  connectionMessage?: string;
  status?: StatusView;
  /** Oldest first. */
  pending: PendingItem[];
  servers: ServerView[];
  rules: Rule[];
  selectedId?: string;
  screen: Screen;
  /** Ids with a command in flight, so buttons do not fire twice. */
  busy: Record<string, true>;
  notices: Notice[];
  /** Bumped when new audit lines arrive, so the history screen can refresh. */
  auditTick: number;
  /** Messages to the agent typed on cards, kept while the person moves between cards. */
  denyDrafts: Record<string, string>;
  /** The card whose "Revoke server" confirmation is open. */
  confirmRevoke?: string;
}

const initial: AirlockState = {
  connection: 'connecting',
  pending: [],
  servers: [],
  rules: [],
  screen: 'pending',
  busy: {},
  notices: [],
  auditTick: 0,
  denyDrafts: {},
};

export const useAirlock = create<AirlockState>()(() => ({ ...initial }));

let api: ApiClient | undefined;
let noticeId = 0;

export function currentApi(): ApiClient | undefined {
  return api;
}

function byArrival(a: PendingItem, b: PendingItem): number {
  return a.receivedAt - b.receivedAt || a.id.localeCompare(b.id);
}

/** Keeps a selection: the same item if still there, else the one that took its place. */
function reselect(previous: PendingItem[], next: PendingItem[], selectedId: string | undefined): string | undefined {
  if (selectedId && next.some((item) => item.id === selectedId)) return selectedId;
  if (next.length === 0) return undefined;
  const oldIndex = selectedId ? previous.findIndex((item) => item.id === selectedId) : -1;
  const index = Math.min(Math.max(oldIndex, 0), next.length - 1);
  return next[index]!.id;
}

function setPending(next: PendingItem[]): void {
  const sorted = [...next].sort(byArrival);
  useAirlock.setState((s) => ({ pending: sorted, selectedId: reselect(s.pending, sorted, s.selectedId) }));
}

/** Subscribes to every event first, then loads the snapshots: one ordered channel makes this race-free. */
export async function attach(client: ApiClient): Promise<void> {
  api = client;
  client.on('pendingAdded', (item) => {
    const rest = useAirlock.getState().pending.filter((p) => p.id !== item.id);
    setPending([...rest, item]);
  });
  client.on('pendingUpdated', (item) => {
    const list = useAirlock.getState().pending;
    if (list.some((p) => p.id === item.id)) setPending(list.map((p) => (p.id === item.id ? item : p)));
  });
  client.on('pendingRemoved', ({ id }) => {
    setPending(useAirlock.getState().pending.filter((p) => p.id !== id));
    useAirlock.setState((s) => {
      const { [id]: _gone, ...busy } = s.busy;
      const { [id]: _draft, ...denyDrafts } = s.denyDrafts;
      return { busy, denyDrafts, confirmRevoke: s.confirmRevoke === id ? undefined : s.confirmRevoke };
    });
  });
  client.on('statusChanged', (status) => useAirlock.setState({ status }));
  client.on('serversChanged', (servers) => useAirlock.setState({ servers }));
  client.on('rulesChanged', (rules) => useAirlock.setState({ rules }));
  client.on('audit', () => useAirlock.setState((s) => ({ auditTick: s.auditTick + 1 })));
  const [status, pending, servers, rules] = await Promise.all([
    client.call('status', {}),
    client.call('pending', {}),
    client.call('servers', {}),
    client.call('rules', {}),
  ]);
  useAirlock.setState({ status, servers, rules, connection: 'open', connectionMessage: undefined });
  setPending(pending);
}

export function detach(state: ConnectionState, message?: string): void {
  api = undefined;
  useAirlock.setState({ connection: state, connectionMessage: message, busy: {} });
}

export function notify(text: string, tone: Notice['tone'] = 'info', rule?: Rule): void {
  const notice: Notice = { id: ++noticeId, text, tone, ...(rule ? { rule } : {}) };
  useAirlock.setState((s) => ({ notices: [...s.notices.slice(-3), notice] }));
}

export function dismissNotice(id: number): void {
  useAirlock.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

/** Runs a command; a failure becomes a notice instead of a silent no-op. */
async function run<N extends CommandName>(name: N, input: InputOf<N>, busyKey?: string): Promise<OutputOf<N> | undefined> {
  if (!api) {
    notify('Not connected to Airlock; nothing was changed.', 'error');
    return undefined;
  }
  if (busyKey && useAirlock.getState().busy[busyKey]) return undefined;
  // The request leaves first; marking the card busy (a re-render) comes after, off the critical path.
  const sent = api.call(name, input);
  if (busyKey) useAirlock.setState((s) => ({ busy: { ...s.busy, [busyKey]: true } }));
  try {
    return await sent;
  } catch (error) {
    notify((error as Error).message, 'error');
    return undefined;
  } finally {
    if (busyKey) {
      useAirlock.setState((s) => {
        const { [busyKey]: _done, ...busy } = s.busy;
        return { busy };
      });
    }
  }
}

/** A definition on a review card, named by the fingerprint the person saw. */
export interface DefinitionRef {
  key: string;
  hash: string;
}

export const actions = {
  select(id: string | undefined): void {
    useAirlock.setState({ selectedId: id, confirmRevoke: undefined });
  },
  setDraft(id: string, text: string): void {
    useAirlock.setState((s) => ({ denyDrafts: { ...s.denyDrafts, [id]: text } }));
  },
  askRevoke(id: string | undefined): void {
    useAirlock.setState({ confirmRevoke: id });
  },
  async approveDefinitions(id: string, items: DefinitionRef[]): Promise<void> {
    if (items.length === 0) return;
    const result = await run('approveDefinitions', { id, items }, id);
    if (result) notify(`Approved ${result.approved} definition${result.approved === 1 ? '' : 's'}; hosts see them now.`);
  },
  async rejectDefinitions(id: string, items: DefinitionRef[]): Promise<void> {
    if (items.length === 0) return;
    const result = await run('rejectDefinitions', { id, items }, id);
    if (result) notify(`Refused ${result.rejected} definition${result.rejected === 1 ? '' : 's'}: they stay hidden from hosts.`);
  },

  /** Moves the selection by `delta` cards, staying within the queue. */
  move(delta: number): void {
    const { pending, selectedId } = useAirlock.getState();
    if (pending.length === 0) return;
    const index = Math.max(0, pending.findIndex((p) => p.id === selectedId));
    const next = pending[Math.min(pending.length - 1, Math.max(0, index + delta))]!;
    useAirlock.setState({ selectedId: next.id, confirmRevoke: undefined });
  },
  show(screen: Screen): void {
    useAirlock.setState({ screen });
  },
  async approve(id: string, hash: string, scope: 'once' | 'session' | 'always', label: string): Promise<void> {
    const result = await run('approve', { id, hash, scope }, id);
    if (result?.rule) notify(`Rule created: always allow ${result.rule.tool} on ${result.rule.server}.`, 'info', result.rule);
    else if (result && scope === 'session') notify(`${label} is allowed for the rest of this session.`);
  },
  async deny(id: string, message?: string): Promise<void> {
    const trimmed = message?.trim();
    await run('deny', { id, ...(trimmed ? { message: trimmed } : {}) }, id);
  },
  async revoke(server: string): Promise<void> {
    const result = await run('revokeServer', { server }, `server:${server}`);
    if (result) notify(`Revoked ${server}: its calls are refused and its processes stopped until you restore it.`);
  },
  async restore(server: string): Promise<void> {
    const result = await run('restoreServer', { server }, `server:${server}`);
    if (result) notify(`Restored ${server}.`);
  },
  /** Starts a login; the core opens the system browser (desktop) or the window shows the link (browser mode). */
  async login(server: string): Promise<{ authorizationUrl?: string } | undefined> {
    const result = await run('login', { server }, `login:${server}`);
    if (!result) return undefined;
    if (result.status === 'not-needed') notify(`${server} needs no login.`);
    if (result.status === 'done') notify(`Logged in to ${server}.`);
    return result.status === 'started' ? { authorizationUrl: result.authorizationUrl } : {};
  },
  async logout(server: string): Promise<void> {
    const result = await run('logout', { server }, `login:${server}`);
    if (result) notify(`Logged out of ${server}: ${result.revoked.length ? `tokens revoked at the authorization server, ` : ''}tokens deleted.`);
  },
  async pause(): Promise<void> {
    await run('pause', {}, 'switch');
  },
  async resume(): Promise<void> {
    await run('resume', {}, 'switch');
  },
  async updateSettings(change: InputOf<'updateSettings'>): Promise<void> {
    const status = await run('updateSettings', change, 'settings');
    if (status) useAirlock.setState({ status });
  },
  async removeRule(id: string): Promise<boolean> {
    return (await run('removeRule', { id }, `rule:${id}`)) !== undefined;
  },
};
