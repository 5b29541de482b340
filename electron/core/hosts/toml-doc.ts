/**
 * TOML host files (Codex), read and edited with @decimalturn/toml-patch: `patch(existing, updated)`
 * changes only the values that differ and keeps comments, table order, quoting and line endings of
 * everything else. Airlock only ever changes one server table at a time.
 */
import { parse, patch } from '@decimalturn/toml-patch';
import { MalformedHostFile } from './errors';

export function parseTomlDoc(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new MalformedHostFile(`${file} is not valid TOML (${message}); Airlock left it untouched`);
  }
}

/**
 * Replaces (or removes, with `undefined`) the entry at container/key. Only the objects on the path
 * are copied, so every other value is the very object the parser returned and patch leaves it be.
 */
export function setTomlEntry(text: string, data: Record<string, unknown>, container: string[], key: string, entry: Record<string, unknown> | undefined): string {
  const copy: Record<string, unknown> = { ...data };
  let parent = copy;
  for (const name of container) {
    const child = parent[name];
    const next: Record<string, unknown> = child !== null && typeof child === 'object' ? { ...(child as Record<string, unknown>) } : {};
    parent[name] = next;
    parent = next;
  }
  if (entry === undefined) delete parent[key];
  else parent[key] = entry;
  return patch(text, copy);
}
