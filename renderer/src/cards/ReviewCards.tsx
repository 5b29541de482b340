import { useEffect, useState } from 'react';
import type { DefinitionReview, DefinitionReviewItem, ElicitationReview, RootsReview, SamplingReview } from '../../../shared/types';
import { actions, useAirlock } from '../state/store';
import { Countdown } from '../ui/Countdown';
import { DefinitionDiffView } from '../ui/Diff';
import { FindingList, HighlightedText } from '../ui/Findings';
import { JsonTree } from '../ui/JsonTree';
import { FoldedText, Visible } from '../ui/Visible';
import { isSecretKey } from '../../../shared/secrets';
import { HostLine, Kbd, RevokeButton, RevokeConfirm, Section } from './common';

/**
 * A server's request (sampling, elicitation, roots) is decided with the same contract commands as
 * a call: approve {id, hash, scope} names exactly what was shown; deny carries an optional message.
 */
function RequestActions({ id, hash, approveLabel, denyLabel, what }: { id: string; hash: string; approveLabel: string; denyLabel: string; what: string }) {
  const busy = useAirlock((s) => Boolean(s.busy[id]));
  const draft = useAirlock((s) => s.denyDrafts[id] ?? '');
  return (
    <footer className="actions" aria-label="decision">
      <div className="action-row">
        <button type="button" className="btn primary" disabled={busy} onClick={() => actions.approve(id, hash, 'once', what)} aria-keyshortcuts="A">
          {approveLabel} <Kbd>A</Kbd>
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => actions.approve(id, hash, 'session', what)} aria-keyshortcuts="S">
          Approve for this session <Kbd>S</Kbd>
        </button>
        <span className="spacer" />
        <input
          className="deny-message"
          type="text"
          placeholder="Message (optional)"
          aria-label="Message to the server"
          maxLength={2000}
          value={draft}
          onChange={(e) => actions.setDraft(id, e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void actions.deny(id, draft);
          }}
        />
        <button type="button" className="btn" disabled={busy} onClick={() => actions.deny(id, draft)} aria-keyshortcuts="D">
          {denyLabel} <Kbd>D</Kbd>
        </button>
      </div>
    </footer>
  );
}

const STATE_LABEL: Record<DefinitionReviewItem['state'], string> = {
  new: 'new',
  approved: 'approved',
  changed: 'changed',
  renamed: 'renamed',
  removed: 'removed',
};

/** The prose a definition carries: a tool's description, the server's instructions. */
function descriptionOf(definition: unknown): string | undefined {
  if (typeof definition === 'string') return definition;
  if (typeof definition !== 'object' || definition === null) return undefined;
  const d = definition as { description?: unknown; instructions?: unknown };
  const text = d.description ?? d.instructions;
  return typeof text === 'string' ? text : undefined;
}

/** A one-line summary for definitions without prose: parameters of a tool, name and version of a server. */
function summaryOf(definition: unknown): string | undefined {
  if (typeof definition !== 'object' || definition === null) return undefined;
  const d = definition as { inputSchema?: { properties?: Record<string, unknown> }; name?: unknown; version?: unknown; arguments?: Array<{ name?: unknown }> };
  const params = d.inputSchema?.properties ? Object.keys(d.inputSchema.properties) : d.arguments?.map((a) => String(a.name ?? '?'));
  if (params) return params.length > 0 ? `parameters: ${params.join(', ')}` : 'no parameters';
  if (typeof d.name === 'string') return `${d.name}${typeof d.version === 'string' ? ` ${d.version}` : ''}`;
  return undefined;
}

function DefinitionRow({ entry, checked, onToggle }: { entry: DefinitionReviewItem; checked: boolean; onToggle(): void }) {
  const [showDefinition, setShowDefinition] = useState(false);
  const description = descriptionOf(entry.definition);
  const summary = summaryOf(entry.definition);
  const high = entry.findings.filter((f) => f.severity === 'high').length;
  return (
    <li className={`definition state-${entry.state}${high ? ' has-high' : ''}`} data-key={entry.key}>
      <div className="definition-head">
        <label className="definition-pick">
          {entry.state !== 'approved' && <input type="checkbox" checked={checked} onChange={onToggle} aria-label={`approve ${entry.key}`} />}
          <span className={`pin-state pin-${entry.state}`}>{STATE_LABEL[entry.state]}</span>
          <span className="muted small">{entry.kind}</span>
          <code className="definition-name">
            <Visible text={entry.name} oneLine />
          </code>
        </label>
        {entry.findings.length > 0 && (
          <span className={`finding-count${high ? ' high' : ''}`}>
            {entry.findings.length} finding{entry.findings.length === 1 ? '' : 's'}
          </span>
        )}
        {summary && (
          <span className="definition-summary muted small mono">
            <Visible text={summary} oneLine />
          </span>
        )}
        <span className="spacer" />
        {entry.definition !== undefined && (
          <button type="button" className="link small" onClick={() => setShowDefinition((v) => !v)} aria-expanded={showDefinition}>
            {showDefinition ? 'hide definition' : 'full definition'}
          </button>
        )}
      </div>
      {description !== undefined && (
        <div className="description definition-description">
          <HighlightedText text={description} findings={entry.findings} path={entry.kind === 'instructions' ? 'instructions' : 'description'} />
        </div>
      )}
      <FindingList findings={entry.findings} />
      {entry.diff && <DefinitionDiffView diff={entry.diff} />}
      {showDefinition && <JsonTree value={entry.definition} label={`definition of ${entry.name}`} />}
    </li>
  );
}

/** First sight of a server's tools, or changes since approval: approve all, some, or none. */
export function DefinitionsCard({ item }: { item: DefinitionReview }) {
  // Everything not yet approved needs a decision, removals included (approving one accepts that it is gone).
  const undecided = item.items.filter((e) => e.state !== 'approved');
  const refs = (entries: DefinitionReviewItem[]) => entries.map((e) => ({ key: e.key, hash: e.hash }));
  // Pre-selected: everything without a high finding, so "Approve selected" is the careful default.
  const safeByDefault = (e: DefinitionReviewItem) => !e.findings.some((f) => f.severity === 'high');
  const [selected, setSelected] = useState<Set<string>>(() => new Set(undecided.filter(safeByDefault).map((e) => e.key)));
  // The core may add definitions to an open card (more pages, a re-list): pre-select the new ones the same way.
  const [known, setKnown] = useState<Set<string>>(() => new Set(item.items.map((e) => e.key)));
  useEffect(() => {
    const fresh = item.items.filter((e) => !known.has(e.key));
    if (fresh.length === 0) return;
    setKnown(new Set(item.items.map((e) => e.key)));
    setSelected((current) => new Set([...current, ...fresh.filter((e) => e.state !== 'approved' && safeByDefault(e)).map((e) => e.key)]));
  }, [item.items, known]);
  const busy = useAirlock((s) => Boolean(s.busy[item.id]));
  const toggle = (key: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const title =
    item.reason === 'first-sight'
      ? `${item.server} offers ${item.items.length} definition${item.items.length === 1 ? '' : 's'}`
      : `${item.server} changed ${item.items.length} definition${item.items.length === 1 ? '' : 's'}`;
  return (
    <article className="card review-card" data-item-id={item.id} data-kind="definitions" aria-label={title}>
      <header className="card-head">
        <div className="card-title">
          <span className="kind-label">{item.reason === 'first-sight' ? 'first sight' : 'changed definitions'}</span>
          <h2>{title}</h2>
        </div>
        <p className="muted">
          {item.reason === 'first-sight'
            ? 'Hosts see only the tools you approve. Until then the server looks empty to them.'
            : 'Changed and new definitions are withheld from hosts, and calls to them refused, until you approve them. Unchanged tools keep working.'}
        </p>
        <RevokeButton itemId={item.id} server={item.server} busy={busy} />
      </header>
      <RevokeConfirm itemId={item.id} server={item.server} />
      <Section title="Definitions">
        <ul className="definitions">
          {item.items.map((entry) => (
            <DefinitionRow key={entry.key} entry={entry} checked={selected.has(entry.key)} onToggle={() => toggle(entry.key)} />
          ))}
        </ul>
      </Section>
      <footer className="actions" aria-label="decision">
        <div className="action-row">
          <button type="button" className="btn primary" disabled={busy || undecided.length === 0} onClick={() => actions.approveDefinitions(item.id, refs(undecided))}>
            Approve all <Kbd>A</Kbd>
          </button>
          <button
            type="button"
            className="btn"
            disabled={busy || selected.size === 0}
            onClick={() => actions.approveDefinitions(item.id, refs(undecided.filter((e) => selected.has(e.key))))}
          >
            Approve selected ({selected.size})
          </button>
          <span className="spacer" />
          <button type="button" className="btn" disabled={busy || undecided.length === 0} onClick={() => actions.rejectDefinitions(item.id, refs(undecided))}>
            Deny <Kbd>D</Kbd>
          </button>
        </div>
      </footer>
    </article>
  );
}

function messageText(message: unknown): string {
  const content = (message as { content?: unknown })?.content;
  const blocks = Array.isArray(content) ? content : [content];
  return blocks
    .map((b) => (typeof b === 'object' && b !== null && (b as { type?: unknown }).type === 'text' ? String((b as { text?: unknown }).text ?? '') : `[${String((b as { type?: unknown })?.type ?? 'content')}]`))
    .join('\n');
}

/** Everything the server sent besides what the card already shows (model preferences, context, tools…). */
function otherParams(params: unknown): unknown {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return params;
  const { messages: _m, systemPrompt: _s, maxTokens: _t, ...rest } = params as Record<string, unknown>;
  return rest;
}

/** A server asks the host's model to write something. */
export function SamplingCard({ item }: { item: SamplingReview }) {
  return (
    <article className="card review-card" data-item-id={item.id} data-kind="sampling" aria-label={`sampling request from ${item.server}`}>
      <header className="card-head">
        <div className="card-title">
          <span className="kind-label">sampling</span>
          <h2>{item.server} asks your model to generate text</h2>
        </div>
        <HostLine host={item.host} server={item.server} />
        <Countdown deadline={item.holdDeadline} what="request" />
        <RevokeButton itemId={item.id} server={item.server} busy={false} />
      </header>
      <RevokeConfirm itemId={item.id} server={item.server} />
      {item.systemPrompt !== undefined && (
        <Section title="System prompt">
          <div className="description">
            <HighlightedText text={item.systemPrompt} findings={item.findings} path="systemPrompt" />
          </div>
        </Section>
      )}
      <Section title={`Messages (${item.messages.length})`}>
        <ol className="messages">
          {item.messages.map((m, i) => (
            <li key={i}>
              <span className="role">{String((m as { role?: unknown })?.role ?? '?')}</span>
              <FoldedText text={messageText(m)} limit={800} />
            </li>
          ))}
        </ol>
      </Section>
      <Section title="Limits and options">
        <p>
          max tokens: <b>{item.maxTokens ?? 'not set'}</b>
        </p>
        <JsonTree value={otherParams(item.params)} label="other sampling parameters" />
      </Section>
      {item.findings.length > 0 && (
        <Section title="Findings">
          <FindingList findings={item.findings} />
        </Section>
      )}
      <RequestActions id={item.id} hash={item.hash} what={`sampling for ${item.server}`} approveLabel="Approve" denyLabel="Deny" />
    </article>
  );
}

/** A server asks the person for input, through the host. */
export function ElicitationCard({ item }: { item: ElicitationReview }) {
  const props = (item.requestedSchema as { properties?: Record<string, { type?: string; description?: string }> })?.properties ?? {};
  return (
    <article className="card review-card" data-item-id={item.id} data-kind="elicitation" aria-label={`elicitation request from ${item.server}`}>
      <header className="card-head">
        <div className="card-title">
          <span className="kind-label">elicitation</span>
          <h2>{item.server} asks you for input</h2>
        </div>
        <HostLine host={item.host} server={item.server} />
        <Countdown deadline={item.holdDeadline} what="request" />
        <RevokeButton itemId={item.id} server={item.server} busy={false} />
      </header>
      <RevokeConfirm itemId={item.id} server={item.server} />
      <Section title="Message">
        <div className="description">
          <HighlightedText text={item.message} findings={item.findings} path="message" />
        </div>
      </Section>
      {item.mode === 'url' && item.url && (
        <Section title="Link it wants you to open">
          <code className="mono">
            <Visible text={item.url} oneLine />
          </code>
        </Section>
      )}
      {Object.keys(props).length > 0 && (
        <Section title="Fields requested">
          <ul className="fields">
            {Object.entries(props).map(([name, p]) => (
              <li key={name}>
                <code>
                  <Visible text={name} oneLine />
                </code>{' '}
                <span className="muted">{p?.type ?? ''}</span> {p?.description && <Visible text={p.description} />}
                {isSecretKey(name) && <span className="secret-flag"> asks for a secret</span>}
              </li>
            ))}
          </ul>
        </Section>
      )}
      {item.findings.length > 0 && (
        <Section title="Findings">
          <FindingList findings={item.findings} />
        </Section>
      )}
      <RequestActions id={item.id} hash={item.hash} what={`input requests from ${item.server}`} approveLabel="Show to the host" denyLabel="Decline" />
    </article>
  );
}

/** A server asks which folders the host has open. */
export function RootsCard({ item }: { item: RootsReview }) {
  return (
    <article className="card review-card" data-item-id={item.id} data-kind="roots" aria-label={`roots request from ${item.server}`}>
      <header className="card-head">
        <div className="card-title">
          <span className="kind-label">roots</span>
          <h2>{item.server} asks which folders the host has open</h2>
        </div>
        <HostLine host={item.host} server={item.server} />
        <Countdown deadline={item.holdDeadline} what="request" />
        <RevokeButton itemId={item.id} server={item.server} busy={false} />
      </header>
      <RevokeConfirm itemId={item.id} server={item.server} />
      <p className="muted card-section">Approving lets the host answer with its open folders (its roots). Denying answers with an error.</p>
      <RequestActions id={item.id} hash={item.hash} what={`sharing roots with ${item.server}`} approveLabel="Approve" denyLabel="Deny" />
    </article>
  );
}
