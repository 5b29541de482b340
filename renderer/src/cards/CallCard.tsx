import type { PendingCall } from '../../../shared/types';
import { actions, useAirlock } from '../state/store';
import { AuthorityView } from '../ui/Authority';
import { Countdown } from '../ui/Countdown';
import { DefinitionDiffView } from '../ui/Diff';
import { FindingList, HighlightedText } from '../ui/Findings';
import { JsonTree } from '../ui/JsonTree';
import { METHOD_LABEL } from '../ui/method-label';
import { OperationLine } from '../ui/Operation';
import { ResourceChips } from '../ui/Resources';
import { Visible } from '../ui/Visible';
import { HostLine, Kbd, RevokeButton, RevokeConfirm, Section } from './common';

/** One held call: everything needed to decide, then the decision. */
export function CallCard({ item }: { item: PendingCall }) {
  const busy = useAirlock((s) => Boolean(s.busy[item.id]));
  const draft = useAirlock((s) => s.denyDrafts[item.id] ?? '');
  const findings = item.findings ?? [];
  const high = findings.some((f) => f.severity === 'high');
  return (
    <article className={`card call-card op-edge-${item.operation.effective}`} data-item-id={item.id} data-kind="call" aria-label={`${METHOD_LABEL[item.method]} ${item.target}`}>
      <header className="card-head">
        <div className="card-title">
          <span className="kind-label">{METHOD_LABEL[item.method]}</span>
          <h2 className="tool-name mono" data-testid="tool-name">
            <Visible text={item.target} oneLine />
          </h2>
          {item.title !== undefined && item.title !== item.target && (
            <span className="tool-title">
              <Visible text={item.title} oneLine />
            </span>
          )}
        </div>
        <HostLine host={item.host} server={item.server} />
        <Countdown deadline={item.holdDeadline} expired={item.expired} />
        <RevokeButton itemId={item.id} server={item.server} busy={busy} />
      </header>
      <RevokeConfirm itemId={item.id} server={item.server} />

      <Section title="Operation">
        <OperationLine operation={item.operation} />
      </Section>

      <Section title="Resources touched">
        <ResourceChips resources={item.resources} />
      </Section>

      <Section title="Parameters">
        <JsonTree value={item.arguments} secrets={item.secrets} />
      </Section>

      <Section title="Description">
        {item.description ? (
          <div className={`description${high ? ' has-high' : ''}`} data-testid="description">
            <HighlightedText text={item.description} findings={findings} path="description" />
          </div>
        ) : (
          <p className="muted small">The server gave no description for this tool.</p>
        )}
        <FindingList findings={findings} />
        {item.diff && (
          <div className="diff-block">
            <h4 className="diff-heading">Changed since you approved it</h4>
            <DefinitionDiffView diff={item.diff} />
          </div>
        )}
      </Section>

      <Section title="Authority">
        <AuthorityView authority={item.authority} />
      </Section>

      <footer className="actions" aria-label="decision">
        <div className="action-row">
          <button type="button" className="btn primary" disabled={busy} onClick={() => actions.approve(item.id, item.hash, 'once', item.target)} aria-keyshortcuts="A">
            Approve once <Kbd>A</Kbd>
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => actions.approve(item.id, item.hash, 'session', item.target)} aria-keyshortcuts="S">
            Approve for this session <Kbd>S</Kbd>
          </button>
          <button
            type="button"
            className="btn"
            disabled={busy}
            onClick={() => actions.approve(item.id, item.hash, 'always', item.target)}
            title={`Creates the rule: allow ${item.target} on ${item.server}, for every host. Remove it any time in Servers.`}
          >
            Always allow this tool
          </button>
          <span className="spacer" />
          <input
            className="deny-message"
            type="text"
            placeholder="Message to the agent (optional)"
            aria-label="Message to the agent"
            maxLength={2000}
            value={draft}
            onChange={(e) => actions.setDraft(item.id, e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void actions.deny(item.id, draft);
            }}
          />
          <button type="button" className="btn" disabled={busy} onClick={() => actions.deny(item.id, draft)} aria-keyshortcuts="D">
            Deny <Kbd>D</Kbd>
          </button>
        </div>
        <p className="rule-hint small muted">
          Always allow creates a rule: <span className="mono">allow {item.server} › </span>
          <Visible text={item.target} oneLine className="mono" />
        </p>
      </footer>
    </article>
  );
}
