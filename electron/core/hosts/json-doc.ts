/**
 * JSON and JSONC host files, edited with Microsoft's jsonc-parser: every change is an edit on the
 * parser's own node ranges (`modify` + `applyEdits`), so comments, key order, indentation and line
 * endings outside the edited values stay byte for byte as they were.
 */
import { applyEdits, findNodeAtLocation, getNodeValue, modify, parseTree, printParseErrorCode, type Edit, type FormattingOptions, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import { MalformedHostFile } from './errors';

const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true };

export interface JsonDoc {
  /** A UTF-8 byte order mark, kept aside so offsets refer to `body`. */
  bom: string;
  body: string;
  root: Node | undefined;
  data: Record<string, unknown> | undefined;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export function parseJsonDoc(text: string, file: string): JsonDoc {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = text.slice(bom.length);
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, PARSE_OPTIONS);
  const first = errors[0];
  if (first) {
    const { line, column } = lineAndColumn(body, first.offset);
    throw new MalformedHostFile(`${file} is not valid JSON at line ${line}, column ${column} (${printParseErrorCode(first.error)}); Airlock left it untouched`);
  }
  if (root && root.type !== 'object') throw new MalformedHostFile(`${file} does not hold a JSON object at the top level; Airlock left it untouched`);
  return { bom, body, root, data: root ? (getNodeValue(root) as Record<string, unknown>) : undefined };
}

export function nodeAt(doc: JsonDoc, path: JSONPath): Node | undefined {
  return doc.root ? findNodeAtLocation(doc.root, path) : undefined;
}

export function valueAt(doc: JsonDoc, path: JSONPath): unknown {
  const node = nodeAt(doc, path);
  return node ? getNodeValue(node) : undefined;
}

/** The source text of a value, exactly as written (comments inside it included). */
export function sourceAt(doc: JsonDoc, path: JSONPath): string | undefined {
  const node = nodeAt(doc, path);
  return node ? doc.body.slice(node.offset, node.offset + node.length) : undefined;
}

/** Line ending and indentation as the file already uses them, for anything jsonc-parser has to lay out. */
export function formattingOf(body: string): FormattingOptions {
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const indents = body
    .split(/\r?\n/)
    .map((line) => /^([ \t]+)\S/.exec(line)?.[1])
    .filter((indent): indent is string => indent !== undefined);
  if (indents.some((indent) => indent.startsWith('\t'))) return { insertSpaces: false, tabSize: 4, eol };
  const widths = indents.map((indent) => indent.length).filter((n) => n > 0);
  return { insertSpaces: true, tabSize: widths.length ? Math.min(...widths) : 2, eol };
}

/** `["a", "b"]` and `{ "K": "v" }`: the one-line layout people write by hand. */
function compact(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(compact).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length ? `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${compact(v)}`).join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}

export type JsonChange = { path: JSONPath; value: unknown | undefined };

/**
 * Applies property changes one at a time (each on a fresh parse). jsonc-parser's formatter re-lays
 * out every line an edit touches, which would unfold a one-line entry (or a whole one-line file);
 * so inside an object written on one line, values are written compactly and properties are added
 * or removed without the formatter. Elsewhere jsonc-parser lays new values out with the file's own
 * indentation and line ending. `value: undefined` removes the property.
 */
export function applyJsonChanges(doc: JsonDoc, changes: JsonChange[]): string {
  const formattingOptions = formattingOf(doc.body);
  let body = doc.body;
  const oneLine = (node: Node) => !body.slice(node.offset, node.offset + node.length).includes('\n');
  for (const change of changes) {
    const root = parseTree(body, [], PARSE_OPTIONS);
    const node = root ? findNodeAtLocation(root, change.path) : undefined;
    const parent = root ? findNodeAtLocation(root, change.path.slice(0, -1)) : undefined;
    const key = String(change.path[change.path.length - 1]);
    const compactParent = parent !== undefined && parent.type === 'object' && oneLine(parent);
    let edits: Edit[];
    if (change.value === undefined) {
      if (!node) continue;
      edits = modify(body, change.path, undefined, compactParent ? {} : { formattingOptions });
    } else if (node && oneLine(node)) {
      edits = [{ offset: node.offset, length: node.length, content: compact(change.value) }];
    } else if (!node && compactParent) {
      const last = parent.children?.[parent.children.length - 1];
      const property = `${JSON.stringify(key)}: ${compact(change.value)}`;
      edits = last ? [{ offset: last.offset + last.length, length: 0, content: `, ${property}` }] : [{ offset: parent.offset, length: parent.length, content: `{ ${property} }` }];
    } else {
      edits = modify(body, change.path, change.value, { formattingOptions });
    }
    body = applyEdits(body, edits);
  }
  return doc.bom + body;
}

/** Puts back a value's original source text in place of whatever is there now (line endings made to match the file). */
export function replaceJsonSource(doc: JsonDoc, path: JSONPath, source: string): string | undefined {
  const node = nodeAt(doc, path);
  if (!node) return undefined;
  const eol = formattingOf(doc.body).eol ?? '\n';
  const normalised = source.replace(/\r?\n/g, eol);
  return doc.bom + applyEdits(doc.body, [{ offset: node.offset, length: node.length, content: normalised }]);
}
