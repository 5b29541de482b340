/**
 * Tools that two servers both offer. A host that flattens tool names may call the wrong server's
 * tool; a name that differs but looks the same (`read_fiIe` beside `read_file`) is an
 * impersonation attempt rather than an accident.
 */
import { skeleton } from './confusables';
import { excerpt, makeFinding } from './finding';
import type { Finding } from '../types';

export interface NameCollision {
  server: string;
  tool: string;
  /** The other servers offering the same or a look-alike name. */
  otherServers: string[];
  /** A `name-collision` (same name) or `confusable-name` (look-alike) finding at path `name`. */
  finding: Finding;
}

function loose(name: string): string {
  return name.toLowerCase().replace(/-/g, '_');
}

/** One entry per (server, tool) that collides with a tool of another server. */
export function findNameCollisions(toolsByServer: Readonly<Record<string, readonly string[]>>): NameCollision[] {
  const bySkeleton = new Map<string, Array<{ server: string; tool: string }>>();
  for (const [server, tools] of Object.entries(toolsByServer)) {
    for (const tool of new Set(tools)) {
      const key = skeleton(tool);
      const list = bySkeleton.get(key) ?? [];
      list.push({ server, tool });
      bySkeleton.set(key, list);
    }
  }
  const collisions: NameCollision[] = [];
  for (const offers of bySkeleton.values()) {
    if (new Set(offers.map((offer) => offer.server)).size < 2) continue;
    for (const { server, tool } of offers) {
      const others = offers.filter((offer) => offer.server !== server);
      if (others.length === 0) continue;
      // Case and `-`/`_` differences are the same name to a reader, not an imitation.
      const same = others.filter((offer) => loose(offer.tool) === loose(tool));
      const alike = others.filter((offer) => loose(offer.tool) !== loose(tool));
      const finding =
        alike.length > 0
          ? makeFinding(
              'confusable-name',
              'high',
              'name',
              `“${excerpt(tool)}” looks like “${excerpt(alike[0]!.tool)}” from server ${alike[0]!.server} but is a different name; one of them may be impersonating the other.`,
              { span: { start: 0, end: tool.length } },
            )
          : makeFinding('name-collision', 'warn', 'name', `Server${same.length > 1 ? 's' : ''} ${same.map((offer) => offer.server).join(', ')} also offer${same.length > 1 ? '' : 's'} a tool named “${excerpt(same[0]!.tool)}”; a host may call the wrong one.`);
      collisions.push({ server, tool, otherServers: [...new Set(others.map((offer) => offer.server))].sort(), finding });
    }
  }
  return collisions.sort((a, b) => (a.server < b.server ? -1 : a.server > b.server ? 1 : a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0));
}
