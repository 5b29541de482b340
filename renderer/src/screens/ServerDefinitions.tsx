import { useState } from 'react';
import type { DefinitionReview, PendingItem, ServerDefinition, ServerView, Severity } from '../../../shared/types';
import { actions, useAirlock } from '../state/store';
import { formatDateTime } from '../ui/useNow';
import { Visible } from '../ui/Visible';
import './server-definitions.css';

const STATE_LABEL: Record<ServerDefinition['state'], string> = {
  approved: 'approved',
  rejected: 'refused',
  new: 'new',
  changed: 'changed',
  renamed: 'renamed',
  removed: 'removed',
};

/** Shown before folding; the rest behind "show all". */
const FOLD_AT = 12;

function needsReview(d: ServerDefinition): boolean {
  return d.state !== 'approved' && d.state !== 'rejected';
}

/** Waiting for a decision first, then anything with a high finding, then the core's order (kind, name). */
function ordered(definitions: ServerDefinition[]): ServerDefinition[] {
  const rank = (d: ServerDefinition) => (needsReview(d) ? 0 : d.highest === 'high' ? 1 : 2);
  return definitions.map((d, i) => ({ d, i })).sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i).map(({ d }) => d);
}

/** Opens the review card holding this definition and brings the definition into view. */
function openReview(review: DefinitionReview, key: string): void {
  actions.show('pending');
  actions.select(review.id);
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const card = document.querySelector(`article.review-card[data-item-id="${CSS.escape(review.id)}"]`);
      const row = card?.querySelector<HTMLElement>(`li.definition[data-key="${CSS.escape(key)}"]`);
      row?.scrollIntoView({ block: 'center' });
      row?.querySelector<HTMLInputElement>('input[type="checkbox"]')?.focus();
    }),
  );
}

function FindingCount({ definition }: { definition: ServerDefinition }) {
  if (definition.findings === 0) return <span className="muted small">no findings</span>;
  // Severity-coloured: red only for a high finding.
  return (
    <span className={`def-findings sev-count-${definition.highest ?? 'info'}`}>
      {definition.findings} finding{definition.findings === 1 ? '' : 's'}
      {definition.highest && <span className="def-highest"> · highest {definition.highest}</span>}
    </span>
  );
}

function Approval({ definition, review }: { definition: ServerDefinition; review: DefinitionReview | undefined }) {
  if (definition.state === 'approved') {
    return (
      <span className="muted small">
        {definition.approvedBy === 'trust-on-first-use' ? 'trusted on first use' : 'approved by you'}
        {definition.approvedAt && ` · ${formatDateTime(definition.approvedAt)}`}
      </span>
    );
  }
  if (definition.state === 'rejected') return <span className="muted small">refused: withheld from hosts; a different version asks again</span>;
  if (!review) return <span className="warn-text small">withheld from hosts until reviewed</span>;
  return (
    <button type="button" className="btn small" onClick={() => openReview(review, definition.key)} aria-label={`Review ${definition.kind} ${definition.name}`}>
      Review
    </button>
  );
}

function DefinitionLine({ definition, review }: { definition: ServerDefinition; review: DefinitionReview | undefined }) {
  return (
    <li className={`server-def def-${definition.state}`} data-key={definition.key} data-state={definition.state}>
      <span className={`pin-state pin-${definition.state}`}>{STATE_LABEL[definition.state]}</span>
      <span className="muted small def-kind">{definition.kind}</span>
      <code className="def-name">
        <Visible text={definition.name} oneLine />
      </code>
      <FindingCount definition={definition} />
      <span className="spacer" />
      <Approval definition={definition} review={review} />
    </li>
  );
}

function reviewsOf(pending: PendingItem[], server: string): DefinitionReview[] {
  return pending.filter((p): p is DefinitionReview => p.kind === 'definitions' && p.server === server);
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warn: 1, high: 2 };

/**
 * The server's definitions with its open review cards laid over them: a card is the freshest word on
 * what it holds (the core's servers view catches up when the card is decided), as in the core itself.
 */
function withReviews(definitions: ServerDefinition[], reviews: DefinitionReview[]): ServerDefinition[] {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  for (const item of reviews.flatMap((r) => r.items)) {
    if (item.state === 'approved') continue;
    const highest = item.findings.reduce<Severity | undefined>((h, f) => (h === undefined || SEVERITY_RANK[f.severity] > SEVERITY_RANK[h] ? f.severity : h), undefined);
    byKey.set(item.key, { key: item.key, kind: item.kind, name: item.name, state: item.state, findings: item.findings.length, ...(highest ? { highest } : {}) });
  }
  return [...byKey.values()];
}

/**
 * A server's definitions (tools, prompts, resources, instructions, server info): pin state, findings,
 * who approved each and when. Anything waiting for a decision links to its review card.
 */
export function ServerDefinitions({ server }: { server: ServerView }) {
  const pending = useAirlock((s) => s.pending);
  const [open, setOpen] = useState(false);
  const reviews = reviewsOf(pending, server.name);
  const reviewFor = (key: string) => reviews.find((r) => r.items.some((i) => i.key === key));
  const all = ordered(withReviews(server.definitions, reviews));
  const shown = open ? all : all.slice(0, FOLD_AT);
  const waiting = all.filter(needsReview).length;
  return (
    <section className="card-section" aria-label="definitions">
      <h3>Definitions</h3>
      <div className="section-body">
        {all.length === 0 ? (
          <p className="muted small server-defs-empty">
            None pinned yet. When a host first lists this server’s tools, {reviews.length > 0 ? 'they wait for your review.' : 'they are held for your review (or trusted, if trust on first use is on).'}
          </p>
        ) : (
          <>
            {waiting > 0 && (
              <p className="warn-text small server-defs-waiting">
                {waiting} definition{waiting === 1 ? '' : 's'} withheld from hosts until you review {waiting === 1 ? 'it' : 'them'}.
              </p>
            )}
            <ul className="server-defs">
              {shown.map((d) => (
                <DefinitionLine key={d.key} definition={d} review={reviewFor(d.key)} />
              ))}
            </ul>
            {all.length > FOLD_AT && (
              <button type="button" className="link" onClick={() => setOpen((v) => !v)} aria-expanded={open}>
                {open ? 'show fewer' : `show all ${all.length}`}
              </button>
            )}
          </>
        )}
      </div>
    </section>
  );
}
