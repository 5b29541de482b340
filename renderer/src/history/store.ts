/**
 * The History screen's state: the filters, the rows loaded so far (newest first, paged back with
 * `beforeSeq`), live arrivals, the index's state, the opened call, and the screen's commands
 * (verify, export, create a rule). Everything goes through the contract; the list itself holds
 * only what rows show (see items.ts).
 */
import { create } from 'zustand';
import type { AuditRecord } from '../../../shared/audit';
import type { ApiClient } from '../../../shared/contract';
import type { CallRecord, HistoryEntry, HistoryIndexState, HistoryPage, ResultRecord, VerifyLogReport } from '../../../shared/history';
import type { Rule } from '../../../shared/types';
import { currentApi, notify } from '../state/store';
import { fetchStreamingExport, hasStreamingExport, saveBlob } from './download';
import { callMatches, EMPTY_FILTERS, recordMatches, toHistoryFilter, type HistoryFilters } from './filters';
import { appendOlder, insertLive, itemOfLiveCall, itemOfRecord, itemOfRow, mergeNewestFirst, withResult, type HistoryItem } from './items';

/** The first page: a few screenfuls, quick to answer. Older pages are bigger: fewer round trips while scrolling far. */
export const FIRST_PAGE = 100;
export const NEXT_PAGE = 400;
/** Without the streaming endpoint, an export is one document over the contract, capped. */
const EXPORT_CAP = 200_000;
const ENTRY_CACHE = 40;
const RECENT_CALLS = 2000;

export interface EntryState {
  status: 'loading' | 'ready' | 'missing' | 'error';
  entry?: HistoryEntry;
  error?: string;
}

export interface VerifyState {
  running: boolean;
  report?: VerifyLogReport;
  error?: string;
}

export interface HistoryState {
  filters: HistoryFilters;
  items: HistoryItem[];
  /** Cursor for the next (older) page; absent when nothing older matches. */
  next?: number;
  /** Set when a page came back short under its time budget: how far back the search got. */
  searchedBackTo?: string;
  loading: boolean;
  /** The first page for the current filters has arrived. */
  loaded: boolean;
  error?: string;
  index?: HistoryIndexState;
  selectedSeq?: number;
  entries: Record<number, EntryState>;
  /** New calls that may match the free-text search (the window cannot tell): offered as a refresh. */
  unseen: number;
  verify?: VerifyState;
  exporting?: 'jsonl' | 'csv';
  ruleBusy: boolean;
}

const initial: HistoryState = {
  filters: EMPTY_FILTERS,
  items: [],
  loading: false,
  loaded: false,
  entries: {},
  unseen: 0,
  ruleBusy: false,
};

export const useHistory = create<HistoryState>()(() => ({ ...initial }));

/** Bumped on every reload: answers to an older query are dropped. */
let generation = 0;
/** A first page is on its way; live items that arrive meanwhile are kept for it. */
let reloading = false;
let arrivedWhileReloading: HistoryItem[] = [];
/** The first page came while the index was not ready (it may lack rows the index had not reached). */
let loadedWhileBehind = false;
/** Call records seen live, so a result arriving later can be joined and matched. */
const recentCalls = new Map<string, CallRecord>();

function api(): ApiClient | undefined {
  return currentApi();
}

function inDesktopShell(): boolean {
  return typeof window !== 'undefined' && 'airlock' in window;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function pageItems(page: HistoryPage): HistoryItem[] {
  return page.rows.length > 0 ? page.rows.map(itemOfRow) : page.records.map(itemOfRecord);
}

function query(beforeSeq?: number) {
  const { filters } = useHistory.getState();
  return { ...toHistoryFilter(filters), view: filters.view, limit: beforeSeq === undefined ? FIRST_PAGE : NEXT_PAGE, ...(beforeSeq !== undefined ? { beforeSeq } : {}) };
}

function setEntry(seq: number, entry: EntryState): void {
  useHistory.setState((s) => {
    const entries: Record<number, EntryState> = { ...s.entries, [seq]: entry };
    const keys = Object.keys(entries);
    for (const key of keys.slice(0, Math.max(0, keys.length - ENTRY_CACHE))) if (Number(key) !== s.selectedSeq) delete entries[Number(key)];
    return { entries };
  });
}

function rememberCall(call: CallRecord): void {
  recentCalls.set(call.call, call);
  if (recentCalls.size > RECENT_CALLS) recentCalls.delete(recentCalls.keys().next().value!);
}

interface Applied {
  items: HistoryItem[];
  /** 1 when the record may match but the window cannot tell (free text). */
  unseen: number;
  /** The row this record added or completed, when it matches the current filters. */
  added?: HistoryItem;
  /** A call whose result arrived (its cached detail is out of date). */
  stale?: number;
}

/** Applies one live record to the list. */
function applyLive(items: HistoryItem[], record: AuditRecord, state: HistoryState): Applied {
  const filter = toHistoryFilter(state.filters);
  if (state.filters.view === 'records') {
    const verdict = recordMatches(record, filter);
    if (verdict === 'unknown') return { items, unseen: 1 };
    if (!verdict) return { items, unseen: 0 };
    const added = itemOfRecord(record);
    return { items: insertLive(items, added), unseen: 0, added };
  }
  if (record.type === 'call') {
    const call = record as CallRecord;
    rememberCall(call);
    const item = itemOfLiveCall(call);
    const verdict = callMatches(call, item.outcome, filter);
    if (verdict === 'unknown') return { items, unseen: 1 };
    return verdict ? { items: insertLive(items, item), unseen: 0, added: item } : { items, unseen: 0 };
  }
  if (record.type !== 'result') return { items, unseen: 0 };
  const result = record as ResultRecord;
  const call = recentCalls.get(result.call);
  const verdict = call ? callMatches(call, result.outcome, filter) : false;
  // Results follow their calls closely: look near the top only.
  const limit = Math.min(items.length, 2000);
  for (let i = 0; i < limit; i++) {
    const item = items[i]!;
    if (item.kind === 'call' && item.callId === result.call) {
      const copy = items.slice();
      const completed = withResult(item, result);
      copy[i] = completed;
      return { items: copy, unseen: 0, stale: item.seq, ...(verdict === true ? { added: completed } : {}) };
    }
  }
  if (!call) return { items, unseen: 0 };
  if (verdict === 'unknown') return { items, unseen: 1 };
  if (!verdict) return { items, unseen: 0 };
  const added = withResult(itemOfLiveCall(call), result);
  return { items: insertLive(items, added), unseen: 0, added, stale: call.seq };
}

let liveQueue: AuditRecord[] = [];
let liveTimer: ReturnType<typeof setTimeout> | undefined;

/** Live records arrive in bursts under load: apply them together, a few times a second at most. */
function flushLive(): void {
  liveTimer = undefined;
  const records = liveQueue;
  liveQueue = [];
  const state = useHistory.getState();
  let items = state.items;
  let unseen = 0;
  const stale: number[] = [];
  for (const record of records) {
    const applied = applyLive(items, record, state);
    // While a new first page is on its way, remember what live records added: the page replaces the list.
    if (reloading && applied.added) arrivedWhileReloading.push(applied.added);
    items = applied.items;
    unseen += applied.unseen;
    if (applied.stale !== undefined) stale.push(applied.stale);
  }
  useHistory.setState({ items, unseen: state.unseen + unseen });
  // An opened call whose result just arrived: fetch it again so the pane shows the result.
  for (const seq of stale) {
    if (useHistory.getState().entries[seq]) {
      useHistory.setState((s) => {
        const { [seq]: _old, ...entries } = s.entries;
        return { entries };
      });
      if (useHistory.getState().selectedSeq === seq) void historyActions.open(seq);
    }
  }
}

export const historyActions = {
  /**
   * Follows the core while the History screen is shown: new records and index changes. Subscribe
   * first, then load, so nothing falls between the page and the live records.
   */
  connect(client: ApiClient): () => void {
    const offAudit = client.on('audit', (record) => {
      liveQueue.push(record);
      liveTimer ??= setTimeout(flushLive, 100);
    });
    const offIndex = client.on('historyIndexChanged', (index) => historyActions.setIndex(index));
    void historyActions.reload();
    return () => {
      offAudit();
      offIndex();
      if (liveTimer) clearTimeout(liveTimer);
      liveTimer = undefined;
      liveQueue = [];
      // Off screen: let the loaded rows go (the next visit loads from the newest again); filters and the opened call stay.
      generation++;
      reloading = false;
      arrivedWhileReloading = [];
      useHistory.setState({ items: [], next: undefined, searchedBackTo: undefined, loading: false, loaded: false, unseen: 0 });
    };
  },

  setIndex(index: HistoryIndexState): void {
    const previous = useHistory.getState().index;
    // An answer that left the core before the index got ready must not move the screen back.
    if (previous?.state === 'ready' && index.state !== 'ready' && index.indexedThrough <= previous.indexedThrough) return;
    useHistory.setState({ index });
    // The list was loaded while the index was behind: it may be partial, load it again. (Falling
    // behind later, after a burst, needs nothing: live records reached the list anyway.)
    if (index.state === 'ready' && previous && previous.state !== 'ready' && loadedWhileBehind) void historyActions.reload();
  },

  setFilters(patch: Partial<HistoryFilters>): void {
    useHistory.setState((s) => ({ filters: { ...s.filters, ...patch } }));
    void historyActions.reload();
  },

  clearFilters(): void {
    useHistory.setState((s) => ({ filters: { ...EMPTY_FILTERS, view: s.filters.view } }));
    void historyActions.reload();
  },

  /** The first page for the current filters (newest first); live arrivals meanwhile are kept. */
  async reload(): Promise<void> {
    const client = api();
    if (!client) return;
    const mine = ++generation;
    // The rows on screen stay (dimmed) until the new first page replaces them: no flash of an empty list.
    reloading = true;
    arrivedWhileReloading = [];
    useHistory.setState({ next: undefined, searchedBackTo: undefined, loading: true, loaded: false, unseen: 0, error: undefined });
    try {
      const page = await client.call('history', query());
      if (mine !== generation) return;
      // The index may have become ready while this page was on its way (the event came first): the
      // page can then be partial, and its index state is older than the one already shown.
      const known = useHistory.getState().index;
      const overtaken = page.index.state !== 'ready' && known?.state === 'ready';
      loadedWhileBehind = page.index.state !== 'ready' && !overtaken;
      reloading = false;
      const live = arrivedWhileReloading;
      arrivedWhileReloading = [];
      useHistory.setState(() => ({
        items: mergeNewestFirst(pageItems(page), live),
        next: page.nextBeforeSeq,
        searchedBackTo: page.searchedBackTo,
        index: overtaken ? known : page.index,
        loading: false,
        loaded: true,
      }));
      if (overtaken) void historyActions.reload();
    } catch (error) {
      if (mine !== generation) return;
      reloading = false;
      arrivedWhileReloading = [];
      useHistory.setState({ items: [], loading: false, loaded: true, error: messageOf(error) });
    }
  },

  /** The next older page; a short page with a cursor simply continues on the next call. */
  async loadMore(): Promise<void> {
    const client = api();
    const state = useHistory.getState();
    if (!client || state.loading || !state.loaded || state.next === undefined) return;
    const mine = generation;
    useHistory.setState({ loading: true });
    try {
      const page = await client.call('history', query(state.next));
      if (mine !== generation) return;
      useHistory.setState((s) => ({
        items: appendOlder(s.items, pageItems(page)),
        next: page.nextBeforeSeq,
        searchedBackTo: page.searchedBackTo,
        loading: false,
      }));
      // Through setIndex, like events: an older page can be the first to say the index is ready.
      historyActions.setIndex(page.index);
    } catch (error) {
      if (mine === generation) useHistory.setState({ loading: false, error: messageOf(error) });
    }
  },

  select(seq: number | undefined): void {
    useHistory.setState({ selectedSeq: seq });
    if (seq === undefined) return;
    const item = useHistory.getState().items.find((i) => i.seq === seq);
    // Lines of the log that are not calls carry everything themselves.
    if (item?.kind === 'record' && item.record.type !== 'call') return;
    void historyActions.open(seq);
  },

  /** Loads one call in full (parameters uncut, both hashes re-checked) for the detail pane. */
  async open(seq: number): Promise<void> {
    const client = api();
    if (!client) return;
    const known = useHistory.getState().entries[seq];
    if (known && (known.status === 'ready' || known.status === 'loading')) return;
    setEntry(seq, { status: 'loading' });
    try {
      const entry = await client.call('historyEntry', { seq });
      setEntry(seq, entry ? { status: 'ready', entry } : { status: 'missing' });
    } catch (error) {
      setEntry(seq, { status: 'error', error: messageOf(error) });
    }
  },

  async verify(): Promise<void> {
    const client = api();
    if (!client || useHistory.getState().verify?.running) return;
    useHistory.setState({ verify: { running: true } });
    try {
      const report = await client.call('verifyLog', {});
      useHistory.setState({ verify: { running: false, report } });
    } catch (error) {
      useHistory.setState({ verify: { running: false, error: messageOf(error) } });
    }
  },

  dismissVerify(): void {
    useHistory.setState({ verify: undefined });
  },

  /** Downloads the filtered calls: streamed whole in browser mode, else one capped document. */
  async exportView(format: 'jsonl' | 'csv'): Promise<void> {
    const client = api();
    if (!client || useHistory.getState().exporting) return;
    useHistory.setState({ exporting: format });
    const filter = toHistoryFilter(useHistory.getState().filters);
    try {
      if (hasStreamingExport()) {
        saveBlob(await fetchStreamingExport(filter, format));
        notify(`Exported the ${Object.keys(filter).length > 0 ? 'filtered ' : ''}calls as ${format.toUpperCase()}.`);
      } else if (inDesktopShell()) {
        // The shell allows no downloads (Electron checklist): it saves through the system dialog instead.
        const doc = await client.call('exportHistory', { ...filter, format, maxRows: EXPORT_CAP });
        const saved = await (window as unknown as { airlock: { saveExport(d: { filename: string; content: string }): Promise<{ saved: boolean; path?: string; reason?: string }> } }).airlock.saveExport({ filename: doc.filename, content: doc.content });
        if (saved.saved) notify(`Saved ${doc.rows.toLocaleString()} calls to ${saved.path}${doc.truncated ? ' (the newest only; narrow the filters for the rest)' : ''}.`);
        else if (saved.reason !== 'cancelled') notify(`Export not saved: ${saved.reason}`, 'error');
      } else {
        const doc = await client.call('exportHistory', { ...filter, format, maxRows: EXPORT_CAP });
        saveBlob({ blob: new Blob([doc.content], { type: doc.mimeType }), filename: doc.filename });
        notify(
          doc.truncated
            ? `Exported the newest ${doc.rows.toLocaleString()} calls as ${format.toUpperCase()}; more matched — narrow the filters to export the rest.`
            : `Exported ${doc.rows.toLocaleString()} calls as ${format.toUpperCase()}.`,
        );
      }
    } catch (error) {
      notify(`Export failed: ${messageOf(error)}`, 'error');
    } finally {
      useHistory.setState({ exporting: undefined });
    }
  },

  /** A rule from a call: allow or deny this tool on this server from now on. */
  async createRule(input: { server: string; tool: string; action: 'allow' | 'deny'; fromSeq: number }): Promise<Rule | undefined> {
    const client = api();
    if (!client) {
      notify('Not connected to Airlock; nothing was changed.', 'error');
      return undefined;
    }
    if (useHistory.getState().ruleBusy) return undefined;
    useHistory.setState({ ruleBusy: true });
    try {
      const { rule, created } = await client.call('createRule', input);
      notify(
        created ? `Rule created: ${rule.action} ${rule.tool} on ${rule.server}.` : `That rule already exists: ${rule.action} ${rule.tool} on ${rule.server}.`,
        'info',
        created ? rule : undefined,
      );
      return rule;
    } catch (error) {
      notify(messageOf(error), 'error');
      return undefined;
    } finally {
      useHistory.setState({ ruleBusy: false });
    }
  },

  async reindex(): Promise<void> {
    const client = api();
    if (!client) return;
    try {
      historyActions.setIndex(await client.call('reindexHistory', {}));
    } catch (error) {
      notify(`Rebuilding the index failed: ${messageOf(error)}`, 'error');
    }
  },
};
