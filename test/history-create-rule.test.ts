/**
 * "Create rule from this call" (History screen) over the UI contract: the `createRule` command
 * adds a rule for one tool of a registered server, says where it came from, returns the existing
 * rule instead of a duplicate, and refuses what a rule from a call must never be.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanupHomes, fixtureServer, nextEvent, startCore, type TestCore } from './helpers/harness';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(() => cleanupHomes());

describe('createRule from a history call', () => {
  it('adds an allow or deny rule for one tool, names the call it came from, and does not duplicate it', async () => {
    t = await startCore({ servers: { files: fixtureServer('noop.mjs') } });
    const changed = nextEvent(t.api, 'rulesChanged');
    const first = await t.api.call('createRule', { server: 'files', tool: 'read_file', action: 'allow', fromSeq: 42 });
    expect(first.created).toBe(true);
    expect(first.rule).toMatchObject({ server: 'files', tool: 'read_file', action: 'allow', source: 'From history call #42' });
    expect((await changed).some((r) => r.id === first.rule.id)).toBe(true);
    // Shown with the server (the Servers screen's rules list).
    const servers = await t.api.call('servers', {});
    expect(servers.find((s) => s.name === 'files')!.rules.map((r) => r.id)).toContain(first.rule.id);

    const again = await t.api.call('createRule', { server: 'files', tool: 'read_file', action: 'allow', fromSeq: 43 });
    expect(again).toMatchObject({ created: false, rule: { id: first.rule.id } });
    const deny = await t.api.call('createRule', { server: 'files', tool: 'delete_file', action: 'deny' });
    expect(deny.rule).toMatchObject({ action: 'deny', tool: 'delete_file', source: 'From history' });
    expect((await t.api.call('rules', {})).filter((r) => r.server === 'files')).toHaveLength(2);
    // The log records it like any rule a person adds.
    const page = await t.api.call('history', { view: 'records', limit: 20 });
    expect(page.records.some((r) => r.type === 'event' && r.event === 'rule-added' && r.detail === 'allow read_file')).toBe(true);
  });

  it('refuses a server that is not registered, a wildcard tool, and an action other than allow or deny', async () => {
    t = await startCore({ servers: { files: fixtureServer('noop.mjs') } });
    await expect(t.api.call('createRule', { server: 'gone', tool: 'read_file', action: 'allow' })).rejects.toThrow(/No server named "gone"/);
    await expect(t.api.call('createRule', { server: 'files', tool: '*', action: 'allow' })).rejects.toThrow(/names one tool/);
    await expect(t.api.call('createRule', { server: 'files', tool: 'read_file', action: 'ask' as 'allow' })).rejects.toThrow(/invalid-input|action/);
    expect(await t.api.call('rules', {})).toEqual([]);
  });
});
