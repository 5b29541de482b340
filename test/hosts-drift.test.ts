/**
 * Drift: while the core runs it watches the hosts' files. A server added behind Airlock's back, or
 * an Airlock wrapper removed by hand, raises an alert (contract event + audit line) that carries
 * what a one-click protect needs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../shared/audit';
import type { HostAlert } from '../shared/hosts';
import { AIRLOCK_BIN, cleanupHomes, makeHome, nextEvent, startCore, waitFor, type TestCore } from './helpers/harness';
import { at, EVERYTHING, fixtureHome, jsonc, MEMORY, read, write } from './fixtures/hosts/fixtures';

const J = JSON.stringify;
const cores: TestCore[] = [];

afterEach(async () => {
  for (const c of cores.splice(0)) await c.stop();
});
afterAll(cleanupHomes);

async function watchingCore(env: ReturnType<typeof fixtureHome>['env'], home?: string): Promise<TestCore> {
  const t = await startCore({ ...(home ? { home } : {}), hosts: { env } });
  cores.push(t);
  t.core.hosts.startWatching({ debounceMs: 50, rescanMs: 400 });
  return t;
}

function auditLines(t: TestCore): AuditRecord[] {
  const seen: AuditRecord[] = [];
  t.api.on('audit', (record) => seen.push(record));
  return seen;
}

describe('drift alerts', () => {
  it('a server added to a host file while Airlock runs raises an alert; one click protects it and the alert goes', async () => {
    const { home, env } = fixtureHome();
    const file = write(path.join(home, '.cursor/mcp.json'), `{\n  "mcpServers": {\n    "known": { "command": ${J(EVERYTHING)} }\n  }\n}\n`);
    const t = await watchingCore(env);
    const audit = auditLines(t);
    // What was there when Airlock first looked is listed as unprotected, not alerted.
    const first = await t.api.call('hosts', {});
    expect(first.alerts).toEqual([]);
    expect(first.hosts.find((h) => h.id === 'cursor')!.configs[0]!.entries[0]).toMatchObject({ key: 'known', state: 'unprotected' });

    const alerted = nextEvent(t.api, 'hostAlert');
    fs.writeFileSync(file, `{\n  "mcpServers": {\n    "known": { "command": ${J(EVERYTHING)} },\n    "sneaky": { "command": ${J(MEMORY)} }\n  }\n}\n`);
    const alert: HostAlert = await alerted;
    expect(alert).toMatchObject({ kind: 'unprotected-server', host: 'cursor', server: 'sneaky', file, protect: { host: 'cursor', servers: ['sneaky'] } });
    expect(alert.message).toContain('Cursor launches "sneaky" directly, not through Airlock');
    await waitFor(() => audit.find((r) => r.type === 'event' && r.event === 'host-alert' && r.detail?.includes('"sneaky"')));
    expect((await t.api.call('hosts', {})).alerts.map((a) => a.server)).toEqual(['sneaky']);

    const result = await t.api.call('protectHost', alert.protect);
    expect(result.protected.map((p) => p.key)).toEqual(['sneaky']);
    expect(at(jsonc(read(file)), 'mcpServers', 'sneaky', 'args')).toEqual([AIRLOCK_BIN, 'connect', 'sneaky']);
    expect(at(jsonc(read(file)), 'mcpServers', 'known', 'command')).toBe(EVERYTHING);
    expect((await t.api.call('hosts', {})).alerts).toEqual([]);
  });

  it('an Airlock wrapper removed by hand raises an alert; one click wraps it again', async () => {
    const { home, env } = fixtureHome();
    const original = J({ mcpServers: { everything: { command: EVERYTHING, args: [] } } }, null, 2);
    const file = write(path.join(home, '.config/Claude/claude_desktop_config.json'), original);
    const t = await watchingCore(env);
    await t.api.call('protectHost', { host: 'claude-desktop' });
    expect((await t.api.call('hosts', {})).alerts).toEqual([]);

    const alerted = nextEvent(t.api, 'hostAlert');
    fs.writeFileSync(file, original); // a person (or another tool) puts the direct command back
    const alert = await alerted;
    expect(alert).toMatchObject({ kind: 'wrapper-removed', host: 'claude-desktop', server: 'everything', protect: { host: 'claude-desktop', servers: ['everything'] } });
    expect(alert.message).toContain("Airlock's wrapper for \"everything\" was removed");

    const again = await t.api.call('protectHost', alert.protect);
    expect(again.protected).toEqual([expect.objectContaining({ key: 'everything', airlockName: 'everything', reused: true })]);
    expect(JSON.parse(read(file)).mcpServers.everything.args).toEqual([AIRLOCK_BIN, 'connect', 'everything']);
    await waitFor(async () => (await t.api.call('hosts', {})).alerts.length === 0);
  });

  it('a server added while Airlock was not running is reported when it starts again, in a project it knows', async () => {
    const { home, env } = fixtureHome();
    const project = path.join(home, 'work', 'api');
    const claudeJson = write(path.join(home, '.claude.json'), J({ projects: { [project]: { mcpServers: {} } } }, null, 2));
    const airlockHome = makeHome();
    const t1 = await watchingCore(env, airlockHome);
    expect((await t1.api.call('hosts', {})).alerts).toEqual([]);
    await t1.stop();
    cores.splice(cores.indexOf(t1), 1);

    write(path.join(project, '.mcp.json'), J({ mcpServers: { 'team-tool': { command: EVERYTHING } } }));
    fs.writeFileSync(claudeJson, J({ projects: { [project]: { mcpServers: { mine: { command: MEMORY } } } } }, null, 2));
    const t2 = await watchingCore(env, airlockHome);
    const alerts = (await t2.api.call('hosts', {})).alerts;
    expect(alerts.map((a) => [a.server, a.project, a.protect.project]).sort()).toEqual([
      ['mine', project, project],
      ['team-tool', project, project],
    ]);
  });
});
