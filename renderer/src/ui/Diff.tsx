import type { DefinitionDiff, SchemaChange, TextDiffPart } from '../../../shared/types';
import { Visible } from './Visible';

function short(value: unknown): string {
  if (value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** A word diff: removed words struck through, added words underlined, hidden characters visible. */
export function WordDiff({ parts }: { parts: TextDiffPart[] }) {
  return (
    <p className="word-diff">
      {parts.map((part, i) =>
        part.added ? (
          <ins key={i}>
            <Visible text={part.value} />
          </ins>
        ) : part.removed ? (
          <del key={i}>
            <Visible text={part.value} />
          </del>
        ) : (
          <Visible key={i} text={part.value} />
        ),
      )}
    </p>
  );
}

function ChangeRows({ rows }: { rows: Array<{ path: string; change?: string; before?: unknown; after?: unknown }> }) {
  return (
    <table className="diff-table">
      <thead>
        <tr>
          <th>where</th>
          <th>change</th>
          <th>before</th>
          <th>after</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            <td className="mono">
              <Visible text={row.path} oneLine />
            </td>
            <td>{row.change ?? 'changed'}</td>
            <td className="mono del-cell">
              <Visible text={short(row.before)} />
            </td>
            <td className="mono ins-cell">
              <Visible text={short(row.after)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function schemaRows(changes: SchemaChange[], prefix: string) {
  return changes.map((c) => ({ path: `${prefix}${c.path}`, change: c.change, before: c.before, after: c.after }));
}

/** Everything that changed in a definition since it was approved. */
export function DefinitionDiffView({ diff }: { diff: DefinitionDiff }) {
  const rows = [
    ...schemaRows(diff.inputSchema, 'input: '),
    ...schemaRows(diff.outputSchema, 'output: '),
    ...diff.annotations.map((a) => ({ path: `annotations.${a.key}`, change: 'annotation', before: a.before, after: a.after })),
    ...diff.other.map((o) => ({ path: o.path, before: o.before, after: o.after })),
  ];
  return (
    <div className="definition-diff" aria-label="changes since approval">
      {diff.previousName && (
        <p className="rename">
          Renamed from <code><Visible text={diff.previousName} oneLine /></code> to <code><Visible text={diff.name} oneLine /></code>
        </p>
      )}
      {diff.title && (
        <>
          <h4>title</h4>
          <WordDiff parts={diff.title} />
        </>
      )}
      {diff.description && (
        <>
          <h4>{diff.kind === 'instructions' ? 'instructions' : 'description'}</h4>
          <WordDiff parts={diff.description} />
        </>
      )}
      {rows.length > 0 && <ChangeRows rows={rows} />}
    </div>
  );
}
