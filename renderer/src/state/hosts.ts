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
import type { HostId, HostNameCollision, HostsView, ProtectHostResult, UnprotectHostResult } from '../../../shared/hosts';

export type ProtectInput = InputOf<'protectHost'>;
export type UnprotectInput = InputOf<'unprotectHost'>;

/** What the last command on a host did, in sentences a person reads once. */
export interface HostOutcome {
  tone: 'ok' | 'error';
  title: string;
  lines: string[];
}

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
  question?: NameQuestion;
}

export const useHosts = create<HostsState>()(() => ({ busy: {}, outcomes: {} }));

let api: ApiClient | undefined;
const QUESTION = 'question';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

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

export function protectedSummary(result: ProtectHostResult, hostName: string): HostOutcome {
  const lines: string[] = [];
  for (const p of result.protected) {
    lines.push(`"${p.key}" now launches airlock connect ${p.airlockName}${p.reused ? ' (an Airlock server with the same launch already existed)' : ''}.`);
    if (p.secretEnvNames.length) lines.push(`Secret-looking variables of "${p.key}" moved to Airlock's encrypted store: ${p.secretEnvNames.join(', ')}.`);
  }
  for (const a of result.alreadyProtected) lines.push(`"${a.key}" was already protected (airlock connect ${a.airlockName}).`);
  for (const s of result.skipped) lines.push(`"${s.key}" left as it is: ${s.reason}`);
  for (const f of result.files) lines.push(`Wrote ${f.file}; backup beside it: ${f.backup}`);
  const title =
    result.protected.length > 0
      ? `Protected ${plural(result.protected.length, 'server')} of ${hostName}.`
      : result.alreadyProtected.length > 0
        ? `Nothing to change: ${hostName}'s servers are already protected.`
        : `Nothing was protected in ${hostName}.`;
  return { tone: 'ok', title, lines };
}

export function unprotectedSummary(result: UnprotectHostResult, hostName: string): HostOutcome {
  const lines: string[] = [];
  for (const r of result.restored) lines.push(`"${r.key}" launches its original command again (Airlock server ${r.airlockName} is kept, with its rules).`);
  for (const s of result.skipped) lines.push(`"${s.key}" left as it is: ${s.reason}`);
  for (const f of result.files) {
    lines.push(
      f.exact
        ? `${f.file} is byte-identical to before Airlock changed it; backup beside it: ${f.backup}`
        : `${f.file}: Airlock's entries were reverted and other changes made meanwhile kept; backup beside it: ${f.backup}`,
    );
  }
  const title = result.restored.length > 0 ? `Unprotected ${plural(result.restored.length, 'server')} of ${hostName}.` : `Nothing was restored in ${hostName}.`;
  return { tone: 'ok', title, lines };
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
    try {
      const result = await client.call('protectHost', input);
      if (result.collisions.length > 0) {
        const names = Object.fromEntries(result.collisions.map((c) => [c.key, c.suggestion]));
        useHosts.setState({ question: { input, label: hostName, collisions: result.collisions, names } });
        setOutcome(input.host, undefined);
        return false;
      }
      useHosts.setState({ question: undefined });
      setOutcome(input.host, protectedSummary(result, hostName));
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
    try {
      setOutcome(input.host, unprotectedSummary(await client.call('unprotectHost', input), hostName));
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
