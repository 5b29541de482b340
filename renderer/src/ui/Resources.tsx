import type { ResourceKind, ResourceRef } from '../../../shared/types';
import { FoldedText, Visible } from './Visible';

const KIND_LABEL: Record<ResourceKind, string> = {
  path: 'file',
  url: 'url',
  email: 'to',
  repo: 'repo',
  sql: 'sql',
  command: 'shell',
};

/** Resources a call touches, as chips: paths leaving the working directory flagged, URL hosts emphasised. */
export function ResourceChips({ resources }: { resources: ResourceRef[] }) {
  if (resources.length === 0) return <p className="muted small">No files, URLs, recipients, SQL or commands found in the arguments.</p>;
  return (
    <ul className="chips" aria-label="resources touched">
      {resources.map((r, i) => (
        <li key={`${r.pointer}-${i}`} className={`chip chip-${r.kind}${r.outsideWorkingDir ? ' chip-outside' : ''}`} title={`from ${r.pointer || '/'}`}>
          <span className="chip-kind">{KIND_LABEL[r.kind]}</span>
          <ResourceValue resource={r} />
          {r.outsideWorkingDir && <span className="chip-flag">outside working dir</span>}
        </li>
      ))}
    </ul>
  );
}

function ResourceValue({ resource: r }: { resource: ResourceRef }) {
  if (r.kind === 'url' && r.host) {
    const at = r.raw.toLowerCase().indexOf(r.host.toLowerCase());
    if (at >= 0) {
      return (
        <span className="chip-value mono">
          <Visible text={r.raw.slice(0, at)} oneLine />
          <strong className="url-host">
            <Visible text={r.raw.slice(at, at + r.host.length)} oneLine />
          </strong>
          <FoldedText text={r.raw.slice(at + r.host.length)} limit={80} />
        </span>
      );
    }
    return (
      <span className="chip-value mono">
        <strong className="url-host">
          <Visible text={r.host} oneLine />
        </strong>{' '}
        <FoldedText text={r.raw} limit={80} />
      </span>
    );
  }
  if (r.kind === 'path') {
    return (
      <span className="chip-value mono">
        <Visible text={r.resolved} oneLine />
        {r.raw !== r.resolved && (
          <span className="chip-raw">
            {' '}
            (as sent: <Visible text={r.raw} oneLine />)
          </span>
        )}
      </span>
    );
  }
  if (r.kind === 'sql' || r.kind === 'command') {
    return (
      <span className="chip-value mono">
        <FoldedText text={r.resolved} limit={160} />
      </span>
    );
  }
  return (
    <span className="chip-value mono">
      <Visible text={r.resolved} oneLine />
    </span>
  );
}
