import { useState, type ReactNode } from 'react';
import { pointerJoin } from '../../../shared/secrets';
import type { SecretMark } from '../../../shared/types';
import { FoldedText, Visible } from './Visible';

/**
 * Parameters as a tree: complete (every value is reachable), long strings folded, big branches
 * collapsed, and secret-shaped values masked until clicked. Keys and strings are untrusted text.
 */
export function JsonTree({ value, secrets = [], label = 'parameters' }: { value: unknown; secrets?: SecretMark[]; label?: string }) {
  const secretKinds = new Map(secrets.map((s) => [s.pointer, s.kind]));
  return (
    <div className="json-tree" role="tree" aria-label={label}>
      <Node value={value} pointer="" depth={0} secrets={secretKinds} />
    </div>
  );
}

const OPEN_DEPTH = 4;
const OPEN_CHILDREN = 40;
const STRING_FOLD = 300;

interface NodeProps {
  value: unknown;
  pointer: string;
  depth: number;
  secrets: Map<string, string>;
}

function Node({ value, pointer, depth, secrets }: NodeProps): ReactNode {
  const secretKind = secrets.get(pointer);
  if (secretKind !== undefined) return <Secret value={value} kind={secretKind} />;
  if (value === null) return <span className="j-null">null</span>;
  if (typeof value === 'string') {
    return (
      <span className="j-string">
        “<FoldedText text={value} limit={STRING_FOLD} />”
      </span>
    );
  }
  if (typeof value === 'number') return <span className="j-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="j-bool">{String(value)}</span>;
  if (Array.isArray(value)) return <Branch entries={value.map((v, i) => [String(i), v] as const)} array pointer={pointer} depth={depth} secrets={secrets} />;
  if (typeof value === 'object') return <Branch entries={Object.entries(value as Record<string, unknown>)} array={false} pointer={pointer} depth={depth} secrets={secrets} />;
  return <span className="j-other">{String(value)}</span>;
}

function Branch({
  entries,
  array,
  pointer,
  depth,
  secrets,
}: {
  entries: ReadonlyArray<readonly [string, unknown]>;
  array: boolean;
  pointer: string;
  depth: number;
  secrets: Map<string, string>;
}) {
  const [open, setOpen] = useState(depth < OPEN_DEPTH && entries.length <= OPEN_CHILDREN);
  const [brackets, closing] = array ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return <span className="j-punct">{array ? '[]' : '{}'}</span>;
  const summary = array ? `${entries.length} item${entries.length === 1 ? '' : 's'}` : `${entries.length} key${entries.length === 1 ? '' : 's'}`;
  if (!open) {
    return (
      <button type="button" className="j-toggle" aria-expanded="false" onClick={() => setOpen(true)}>
        {brackets} {summary} {closing}
      </button>
    );
  }
  return (
    <span className="j-branch">
      {depth > 0 ? (
        <button type="button" className="j-toggle" aria-expanded="true" onClick={() => setOpen(false)} title="Fold">
          {brackets}
        </button>
      ) : (
        <span className="j-punct">{brackets}</span>
      )}
      <ul role="group">
        {entries.map(([key, child]) => (
          <li key={key} role="treeitem">
            {array ? <span className="j-index">{key}</span> : <Visible text={key} className="j-key" oneLine />}
            <span className="j-punct">: </span>
            <Node value={child} pointer={pointerJoin(pointer, key)} depth={depth + 1} secrets={secrets} />
          </li>
        ))}
      </ul>
      <span className="j-punct">{closing}</span>
    </span>
  );
}

function Secret({ value, kind }: { value: unknown; kind: string }) {
  const [shown, setShown] = useState(false);
  if (shown) {
    return (
      <span className="j-secret-shown">
        {typeof value === 'string' ? (
          <span className="j-string">
            “<FoldedText text={value} limit={STRING_FOLD} />”
          </span>
        ) : (
          <span className="j-number">{String(value)}</span>
        )}{' '}
        <button type="button" className="link" onClick={() => setShown(false)}>
          hide
        </button>
      </span>
    );
  }
  return (
    <button type="button" className="secret-mask" onClick={() => setShown(true)} title="Secret-shaped value. Click to show it.">
      <span aria-hidden="true">••••••••</span> <span className="secret-kind">{kind}</span> <span className="secret-hint">show</span>
    </button>
  );
}
