/**
 * The sentences the Hosts screen shows after Protect / Unprotect, for the cases the end-to-end
 * tests do not reach: SSE servers, an entry already protected the other way, an ingress that is
 * not listening, an Airlock server the window does not know.
 */
import { describe, expect, it } from 'vitest';
import type { HostEntryView, ProtectHostResult, UnprotectHostResult } from '../shared/hosts';
import type { ServerSpec } from '../shared/types';
import { protectedSummary, unprotectedSummary, type SummaryContext } from '../renderer/src/state/hostSummaries';

const FILE = '/home/ana/.claude.json';

function context(entries: Record<string, HostEntryView> = {}, servers: Record<string, ServerSpec> = {}): SummaryContext {
  return { entry: (file, key) => (file === FILE ? entries[key] : undefined), server: (name) => servers[name] };
}

function result(patch: Partial<ProtectHostResult>): ProtectHostResult {
  return { host: 'claude-code', collisions: [], protected: [], alreadyProtected: [], skipped: [], files: [], ...patch };
}

const sse: HostEntryView = { key: 'feed', state: 'unprotected', transport: 'sse', airlockName: 'feed', url: 'https://feed.example/sse', headerNames: [] };

describe('protect summary', () => {
  it('an SSE server without an Authorization header: Airlock connects over SSE and logs in itself', () => {
    const out = protectedSummary(
      result({
        protected: [{ file: FILE, key: 'feed', airlockName: 'feed', reused: false, secretEnvNames: [], mode: 'stdio', transport: 'sse', headerNames: [] }],
        files: [{ file: FILE, backup: `${FILE}.airlock-backup-1` }],
      }),
      'Claude Code',
      'stdio',
      context({ feed: sse }),
    );
    expect(out.title).toBe('Protected 1 server of Claude Code.');
    expect(out.lines).toContain('"feed" now launches airlock connect feed; Airlock connects to https://feed.example/sse over SSE.');
    expect(out.lines).toContain('If "feed"’s server asks for a login, Airlock logs in, not Claude Code: Servers → feed → Log in.');
    expect(out.facts?.map((f) => f.label)).toEqual(['mode', 'host file']);
    expect(out.caution).toBeUndefined();
  });

  it('http mode with the ingress not listening says so, and names the token without creating one', () => {
    const out = protectedSummary(
      result({
        protected: [{ file: FILE, key: 'feed', airlockName: 'feed', reused: true, secretEnvNames: [], mode: 'http', transport: 'sse', headerNames: ['X-Key'] }],
        files: [{ file: FILE, backup: `${FILE}.airlock-backup-1` }],
        ingress: { url: 'http://127.0.0.1:53980/mcp/<server>', running: false, tokenLabel: 'claude-code-2', tokenCreated: false },
      }),
      'Claude Code',
      'http',
      context({ feed: sse }),
    );
    expect(out.title).toBe('Protected 1 server of Claude Code over HTTP.');
    expect(out.lines[0]).toBe(
      '"feed" now connects to Airlock’s HTTP ingress at http://127.0.0.1:53980/mcp/feed; Airlock connects to https://feed.example/sse over SSE (an Airlock server for the same remote server already existed, reused).',
    );
    expect(out.lines).toContain('Header of "feed" moved to Airlock’s encrypted store: X-Key.');
    expect(out.facts).toContainEqual({ label: 'host token', value: '"claude-code-2" — in the host file, in each entry’s Authorization header' });
    expect(out.caution).toContain('Airlock’s HTTP ingress is not listening right now; Claude Code can connect once it is.');
  });

  it('an entry already protected the other way is reported as such, with how to switch', () => {
    const out = protectedSummary(
      result({ alreadyProtected: [{ file: FILE, key: 'notes', airlockName: 'notes', mode: 'stdio' }] }),
      'Claude Code',
      'http',
      context(),
    );
    expect(out.title).toBe('Nothing to change: Claude Code’s servers are already protected.');
    expect(out.lines).toEqual(['"notes" was already protected (airlock connect notes). To switch it to HTTP, unprotect it first, then protect it again.']);
    expect(out.facts).toBeUndefined();
  });
});

describe('unprotect summary', () => {
  const undo = (restored: UnprotectHostResult['restored'], revokedTokens?: string[]): UnprotectHostResult => ({
    host: 'claude-code',
    restored,
    skipped: [],
    files: [{ file: FILE, backup: `${FILE}.airlock-backup-2`, exact: true }],
    ...(revokedTokens ? { revokedTokens } : {}),
  });

  it('says what each entry does again: its command, its URL, or just its original entry when the server is unknown', () => {
    const out = unprotectedSummary(
      undo(
        [
          { file: FILE, key: 'files', airlockName: 'files' },
          { file: FILE, key: 'feed', airlockName: 'feed' },
          { file: FILE, key: 'gone', airlockName: 'gone' },
        ],
        ['claude-code'],
      ),
      'Claude Code',
      context({}, { files: { transport: 'stdio', command: 'npx', args: [], env: {}, envPass: [], secretEnv: [] }, feed: { transport: 'sse', url: 'https://feed.example/sse', headerNames: [] } }),
    );
    expect(out.lines).toEqual([
      '"files" launches its original command again, not through Airlock (Airlock server files is kept, with its rules).',
      '"feed" connects to its original URL again, https://feed.example/sse, not through Airlock (Airlock server feed is kept, with its rules).',
      '"gone" is its original entry again, not through Airlock (Airlock server gone is kept, with its rules).',
      `${FILE} is byte-identical to before Airlock changed it; backup beside it: ${FILE}.airlock-backup-2`,
      'Revoked the host token "claude-code": no protected entry uses it any more.',
    ]);
  });
});
