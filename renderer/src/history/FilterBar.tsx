import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useAirlock } from '../state/store';
import { DECIDED_BY_LABEL, DECIDED_BY_OPTIONS, isFiltered, OUTCOME_LABEL, OUTCOME_OPTIONS, TIME_PRESET_LABEL, TIME_PRESETS, type HistoryFilters, type TimePreset } from './filters';
import { historyActions, useHistory } from './store';

type TextField = 'text' | 'server' | 'tool' | 'host';

/** A text field that commits to the filters a moment after typing stops (one query, not one per key). */
function DebouncedField({
  field,
  label,
  placeholder,
  maxLength,
  list,
  className,
  type = 'text',
}: {
  field: TextField;
  label: string;
  placeholder: string;
  maxLength: number;
  list?: string;
  className?: string;
  type?: 'text' | 'search';
}) {
  const committed = useHistory((s) => s.filters[field]);
  const [value, setValue] = useState(committed);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Filters cleared (or set) elsewhere: show them.
  useEffect(() => setValue(committed), [committed]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const commit = (next: string) => {
    clearTimeout(timer.current);
    if (next !== useHistory.getState().filters[field]) historyActions.setFilters({ [field]: next } as Partial<HistoryFilters>);
  };
  return (
    <label className={className}>
      <span className={field === 'text' ? 'visually-hidden' : undefined}>{label}</span>
      <input
        type={type}
        value={value}
        placeholder={placeholder}
        maxLength={maxLength}
        spellCheck={false}
        autoComplete="off"
        aria-label={label}
        {...(list ? { list } : {})}
        onChange={(e) => {
          const next = e.target.value;
          setValue(next);
          clearTimeout(timer.current);
          timer.current = setTimeout(() => commit(next), 300);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(value);
          if (e.key === 'Escape' && value) {
            setValue('');
            commit('');
          }
        }}
      />
    </label>
  );
}

/** Distinct values seen in the loaded rows (and registered servers), as suggestions for exact-name fields. */
function useSuggestions() {
  const items = useHistory((s) => s.items);
  const servers = useAirlock((s) => s.servers);
  return useMemo(() => {
    const sets = { server: new Set(servers.map((s) => s.name)), tool: new Set<string>(), host: new Set<string>() };
    for (const item of items.slice(0, 3000)) {
      if (item.kind !== 'call') continue;
      sets.server.add(item.server);
      sets.tool.add(item.target);
      sets.host.add(item.host);
    }
    const sorted = (set: Set<string>) =>
      [...set]
        .filter((v) => v.length <= 256)
        .sort((a, b) => a.localeCompare(b))
        .slice(0, 200);
    return { server: sorted(sets.server), tool: sorted(sets.tool), host: sorted(sets.host) };
  }, [items, servers]);
}

function Suggestions({ id, values }: { id: string; values: string[] }) {
  return (
    <datalist id={id}>
      {values.map((v) => (
        <option key={v} value={v} />
      ))}
    </datalist>
  );
}

function TimeRange() {
  const time = useHistory((s) => s.filters.time);
  const since = useHistory((s) => s.filters.since);
  const until = useHistory((s) => s.filters.until);
  return (
    <>
      <label>
        time
        <select aria-label="time" value={time} onChange={(e) => historyActions.setFilters({ time: e.target.value as TimePreset })}>
          {TIME_PRESETS.map((p) => (
            <option key={p} value={p}>
              {TIME_PRESET_LABEL[p]}
            </option>
          ))}
        </select>
      </label>
      {time === 'custom' && (
        <>
          <label>
            from
            <input aria-label="from" type="datetime-local" step={1} value={since} onChange={(e) => historyActions.setFilters({ since: e.target.value })} />
          </label>
          <label>
            to
            <input aria-label="to" type="datetime-local" step={1} value={until} onChange={(e) => historyActions.setFilters({ until: e.target.value })} />
          </label>
        </>
      )}
    </>
  );
}

function ViewSwitch() {
  const view = useHistory((s) => s.filters.view);
  return (
    <div className="segmented" role="group" aria-label="show">
      <button
        type="button"
        aria-pressed={view === 'calls'}
        onClick={() => view !== 'calls' && historyActions.setFilters({ view: 'calls' })}
        title="One row per call, joined with its result"
      >
        Calls
      </button>
      <button
        type="button"
        aria-pressed={view === 'records'}
        onClick={() => view !== 'records' && historyActions.setFilters({ view: 'records' })}
        title="Every line of the log: calls, results, rules, sessions, trims…"
      >
        Full log
      </button>
    </div>
  );
}

/** Search and filters: everything the index can narrow by; `actions` sit at the end of the search row. */
export function FilterBar({ actions }: { actions?: ReactNode }) {
  const filters = useHistory((s) => s.filters);
  const suggestions = useSuggestions();
  return (
    <form className="filters" aria-label="filters" onSubmit={(e) => e.preventDefault()}>
      <div className="filter-row search-row">
        <DebouncedField field="text" type="search" label="search" className="filter-search" placeholder="Search tool names, servers, hosts, paths, parameters…" maxLength={200} />
        {isFiltered(filters) && (
          <button type="button" className="btn clear-filters" onClick={() => historyActions.clearFilters()}>
            Clear filters
          </button>
        )}
        <ViewSwitch />
        {actions}
      </div>
      <div className="filter-row">
        <DebouncedField field="server" label="server" placeholder="exact name" maxLength={64} list="history-servers" />
        <DebouncedField field="tool" label="tool" placeholder="exact tool name" maxLength={256} list="history-tools" />
        <DebouncedField field="host" label="host" placeholder="exact host name" maxLength={256} list="history-hosts" />
        <label>
          decision
          <select aria-label="decision" value={filters.decision} onChange={(e) => historyActions.setFilters({ decision: e.target.value as HistoryFilters['decision'] })}>
            <option value="">any</option>
            <option value="allow">allowed</option>
            <option value="deny">denied</option>
          </select>
        </label>
        <label>
          decided by
          <select aria-label="decided by" value={filters.decidedBy} onChange={(e) => historyActions.setFilters({ decidedBy: e.target.value as HistoryFilters['decidedBy'] })}>
            <option value="">anyone</option>
            {DECIDED_BY_OPTIONS.map((by) => (
              <option key={by} value={by}>
                {DECIDED_BY_LABEL[by]}
              </option>
            ))}
          </select>
        </label>
        <label>
          outcome
          <select aria-label="outcome" value={filters.outcome} onChange={(e) => historyActions.setFilters({ outcome: e.target.value as HistoryFilters['outcome'] })}>
            <option value="">any</option>
            {OUTCOME_OPTIONS.map((o) => (
              <option key={o} value={o}>
                {OUTCOME_LABEL[o]}
              </option>
            ))}
          </select>
        </label>
        <TimeRange />
      </div>
      <Suggestions id="history-servers" values={suggestions.server} />
      <Suggestions id="history-tools" values={suggestions.tool} />
      <Suggestions id="history-hosts" values={suggestions.host} />
    </form>
  );
}
