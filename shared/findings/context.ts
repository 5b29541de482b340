/**
 * What a scan knows beyond the string itself: the tools other servers offer (to spot a
 * description reaching across servers, or a name imitating another server's tool) and the
 * definition's own name.
 */
import { skeleton } from './confusables';

export interface ScanContext {
  /** Tool names offered by the person's other servers: naming one is reaching across servers. */
  otherServerTools?: readonly string[];
}

export interface PreparedContext {
  /** Other servers' tool names with a separator or a capital inside (`send_email`, `sendEmail`). */
  compoundTools: ReadonlySet<string>;
  /** Other servers' one-word tool names (`search`), by lower case; these need quoting to count. */
  plainTools: ReadonlyMap<string, string>;
  /** Skeleton → name, for look-alikes of other servers' tools. */
  otherSkeletons: ReadonlyMap<string, string>;
  /** The definition's own name, which it may of course mention. */
  ownName: string;
}

type ToolTables = Omit<PreparedContext, 'ownName'>;
/**
 * Tables by the list's content, since callers may build a fresh array for every definition of a
 * server; the few most recent lists are kept.
 */
const preparedTables = new Map<string, ToolTables>();
const MAX_PREPARED = 8;
const PLAIN_WORD = /^[A-Za-z]+$/;

function buildTables(tools: readonly string[]): ToolTables {
  const otherSkeletons = new Map<string, string>();
  const compoundTools = new Set<string>();
  const plainTools = new Map<string, string>();
  for (const tool of tools) {
    const key = skeleton(tool);
    if (!otherSkeletons.has(key)) otherSkeletons.set(key, tool);
    if (PLAIN_WORD.test(tool) && !/[a-z][A-Z]/.test(tool)) plainTools.set(tool.toLowerCase(), tool);
    else compoundTools.add(tool);
  }
  return { compoundTools, plainTools, otherSkeletons };
}

/** Builds the lookup tables once per list of other tools, however many definitions are scanned against it. */
export function prepareContext(context: ScanContext, ownName: string): PreparedContext {
  const tools = context.otherServerTools ?? [];
  const key = tools.join('\u0000');
  let tables = preparedTables.get(key);
  if (!tables) {
    tables = buildTables(tools);
    if (preparedTables.size >= MAX_PREPARED) preparedTables.delete(preparedTables.keys().next().value!);
    preparedTables.set(key, tables);
  }
  return { ...tables, ownName };
}
