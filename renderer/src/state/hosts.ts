/**
 * The Hosts screen's state: a mirror of the core's hosts view (found hosts, their config files and
 * entries, drift alerts), kept fresh by `hostsChanged` / `hostAlert`, plus what only the window knows
 * (a project folder the person asked to look at, the last result per host, an open name question).
 *
 * Protect and unprotect go through the contract; a name collision comes back with nothing changed,
 * and the window asks the person for a name before resending with `as`. Nothing here overwrites.
 */
import { create } from 'zustand';
import type { ApiClient, InputOf } from '../../../shared/contract';
import type { HostId, HostNameCollision, HostsView } from '../../../shared/hosts';
import type { ProtectMode } from '../screens/hosts/modes';
import { protectedSummary, unprotectedSummary, type HostOutcome, type SummaryContext } from './hostSummaries';
import { useAirlock } from './store';

export type ProtectInput = InputOf<'protectHost'>;
export type UnprotectInput = InputOf<'unprotectHost'>;

export type { HostOutcome } from './hostSummaries';

/** A protect that came back with collisions: the input to resend, and the names the person is choosing. */
export interface NameQuestion {
  input: ProtectInput;
  label: string;
  collisions: HostNameCollision[];
  names: Record<string, string>;
  /** Why the core refused the last answer. */
  error?: string;
}

export interface HostsState {
  view?: HostsView;
  /** The hosts query failed (e.g. a damaged protection record). */
  loadError?: string;
  /** A project folder the person asked Airlock to look in, besides the ones hosts know. */
  project?: string;
  /** Keys of commands in flight (`host:<id>`, `entry:<id>:<project>:<key>`, `alert:<id>`). */
  busy: Record<string, true>;
  /** Last outcome per host id. */
  outcomes: Partial<Record<HostId, HostOutcome>>;
  /** How the person chose to protect each host's servers; stdio unless they chose HTTP. */
  modes: Partial<Record<HostId, ProtectMode>>;
  question?: NameQuestion;
}

export const useHosts = create<HostsState>()(() => ({ busy: {}, outcomes: {}, modes: {} }));

let api: ApiClient | undefined;
const QUESTION = 'question';

function setBusy(key: string, on: boolean): void {
  useHosts.setState((s) => {
    const { [key]: _was, ...rest } = s.busy;
    return { busy: on ? { ...rest, [key]: true } : rest };
  });
}

function setOutcome(host: HostId, outcome: HostOutcome | undefined): void {
  useHosts.setState((s) => {
    const { [host]: _old, ...rest } = s.outcomes;
    return { outcomes: outcome ? { ...rest, [host]: outcome } : rest };
  });
}

async function load(): Promise<void> {
  const client = api;
  if (!client) return;
  const project = useHosts.getState().project;
  try {
    const view = await client.call('hosts', project ? { project } : {});
    if (client === api) useHosts.setState({ view, loadError: undefined });
  } catch (error) {
    if (client === api) useHosts.setState({ loadError: (error as Error).message });
  }
}

/** Subscribes first, then loads: called on every (re)connection. A failure here never blocks the other screens. */
export function attachHosts(client: ApiClient): void {
  api = client;
  useHosts.setState({ busy: {} });
  client.on('hostsChanged', (view) => {
    // The event carries the default view; with an extra project folder open, ask again for it too.
    if (useHosts.getState().project) void load();
    else useHosts.setState({ view, loadError: undefined });
  });
  client.on('hostAlert', (alert) => {
    useHosts.setState((s) => (s.view && !s.view.alerts.some((a) => a.id === alert.id) ? { view: { ...s.view, alerts: [...s.view.alerts, alert] } } : {}));
    void load();
  });
  void load();
}

/**
 * What the window knew just before a command: the host's entries as they were (in the places the
 * command acts on: user-level, or one project), and Airlock's servers as they are.
 */
function summaryContext(input: { host: HostId; project?: string }): SummaryContext {
  const configs = useHosts.getState().view?.hosts.find((h) => h.id === input.host)?.configs.filter((c) => c.project === input.project) ?? [];
  return {
    entry: (file, key) => configs.filter((c) => c.file === file).flatMap((c) => c.entries).find((e) => e.key === key),
    server: (name) => useAirlock.getState().servers.find((s) => s.name === name)?.spec,
  };
}

export const hostsActions = {
  refresh: load,

  /** Looks at a project folder's files too (Claude Code, Cursor, VS Code, Gemini CLI, Codex project scopes). */
  async setProject(project: string | undefined): Promise<void> {
    useHosts.setState({ project: project?.trim() || undefined });
    await load();
  },

  dismissOutcome(host: HostId): void {
    setOutcome(host, undefined);
  },

  /** Stdio (`airlock connect`) or HTTP (the ingress, with the host's token) for this host's next Protect. */
  setMode(host: HostId, mode: ProtectMode): void {
    useHosts.setState((s) => ({ modes: { ...s.modes, [host]: mode } }));
  },

  /**
   * Protects (all or some of) a host's servers. A name collision changes nothing and opens the
   * name question; `busyKey` marks the button that was pressed.
   */
  async protect(input: ProtectInput, hostName: string, busyKey: string): Promise<boolean> {
    const client = api;
    if (!client) {
      setOutcome(input.host, { tone: 'error', title: 'Not connected to Airlock; nothing was changed.', lines: [] });
      return false;
    }
    if (useHosts.getState().busy[busyKey]) return false;
    setBusy(busyKey, true);
    const context = summaryContext(input);
    try {
      const result = await client.call('protectHost', input);
      if (result.collisions.length > 0) {
        const names = Object.fromEntries(result.collisions.map((c) => [c.key, c.suggestion]));
        useHosts.setState({ question: { input, label: hostName, collisions: result.collisions, names } });
        setOutcome(input.host, undefined);
        return false;
      }
      useHosts.setState({ question: undefined });
      setOutcome(input.host, protectedSummary(result, hostName, input.mode ?? 'stdio', context));
      return true;
    } catch (error) {
      const message = (error as Error).message;
      // An answer the core refused (say, an invalid name) keeps the question open with the reason.
      if (busyKey === QUESTION && useHosts.getState().question) useHosts.setState((s) => ({ question: { ...s.question!, error: message } }));
      else setOutcome(input.host, { tone: 'error', title: `Nothing was changed in ${hostName}.`, lines: [message] });
      return false;
    } finally {
      setBusy(busyKey, false);
      void load();
    }
  },

  async unprotect(input: UnprotectInput, hostName: string, busyKey: string): Promise<void> {
    const client = api;
    if (!client) {
      setOutcome(input.host, { tone: 'error', title: 'Not connected to Airlock; nothing was changed.', lines: [] });
      return;
    }
    if (useHosts.getState().busy[busyKey]) return;
    setBusy(busyKey, true);
    const context = summaryContext(input);
    try {
      setOutcome(input.host, unprotectedSummary(await client.call('unprotectHost', input), hostName, context));
    } catch (error) {
      setOutcome(input.host, { tone: 'error', title: `Nothing was changed in ${hostName}.`, lines: [(error as Error).message] });
    } finally {
      setBusy(busyKey, false);
      void load();
    }
  },

  setName(key: string, name: string): void {
    useHosts.setState((s) => (s.question ? { question: { ...s.question, names: { ...s.question.names, [key]: name }, error: undefined } } : {}));
  },

  /** Resends the protect with the names the person chose; another collision asks again. */
  async answerNames(): Promise<void> {
    const question = useHosts.getState().question;
    if (!question) return;
    const as = { ...(question.input.as ?? {}), ...Object.fromEntries(Object.entries(question.names).map(([k, v]) => [k, v.trim()])) };
    await hostsActions.protect({ ...question.input, as }, question.label, QUESTION);
  },

  cancelQuestion(): void {
    useHosts.setState({ question: undefined });
  },
};
