import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { airlock, cleanupHomes, connectHost, fixtureServer, pendingFor, startCore, type TestCore } from './helpers/harness';
import { listSegments } from '../electron/core/audit/segments';

let t: TestCore | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(cleanupHomes);

const GITHUB_TOKEN = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';
const AWS_KEY = 'AKIA' + 'IOSFODNN7EXAMPLE';

async function recordSomeCalls(): Promise<string> {
  t = await startCore({ servers: { faulty: fixtureServer('faulty.mjs') } });
  const host = await connectHost(t.home, 'faulty', { name: 'cursor', version: '3.6.0' });
  const call = host.client.callTool({ name: 'echo', arguments: { message: 'deploy', token: GITHUB_TOKEN, config: { password: 'hunter2', key: AWS_KEY } } });
  const card = await pendingFor(t.api, 'echo');
  // The card shows the real values, masked by the UI until clicked — so it knows which ones are secret.
  expect(card.secrets.map((s) => s.pointer).sort()).toEqual(['/config/key', '/config/password', '/token']);
  await t.api.call('approve', { id: card.id, hash: card.hash, scope: 'once' });
  await call;
  const denied = host.client.callTool({ name: 'sleep', arguments: { ms: 1 } });
  await t.api.call('deny', { id: (await pendingFor(t.api, 'sleep')).id, message: 'not now' });
  await denied;
  await host.close();
  const home = t.home;
  await t.stop();
  t = undefined;
  return home;
}

describe('audit log', () => {
  it('records every decision and outcome readably, with secrets redacted, and the chain verifies', async () => {
    const home = await recordSomeCalls();
    const raw = listSegments(`${home}/audit`).map((s) => fs.readFileSync(s.file, 'utf8')).join('');
    expect(raw).not.toContain(GITHUB_TOKEN);
    expect(raw).not.toContain(AWS_KEY);
    expect(raw).not.toContain('hunter2');
    expect(raw).toContain('«redacted:github-token»');

    const log = await airlock(['log'], { home });
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/cursor 3\.6\.0 → faulty {2}tools\/call echo {2}ALLOW by person/);
    expect(log.stdout).toMatch(/↳ faulty echo {2}result {2}\d+ ms {2}“echo: deploy”/);
    expect(log.stdout).toMatch(/tools\/call sleep {2}DENY by person \(not now\)/);

    const json = await airlock(['log', '--json', '-n', '100'], { home });
    const records = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));

    const verify = await airlock(['log', '--verify'], { home });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`Audit log intact: ${records.length} records`);
  });

  it('names the first broken record when a line is edited, and when one is removed', async () => {
    const home = await recordSomeCalls();
    const [segment] = listSegments(`${home}/audit`);
    const original = fs.readFileSync(segment!.file, 'utf8');
    const lines = original.trimEnd().split('\n');
    const callIndex = lines.findIndex((l) => l.includes('"decision":"deny"'));
    const seq = JSON.parse(lines[callIndex]!).seq;

    fs.writeFileSync(segment!.file, lines.map((l, i) => (i === callIndex ? l.replace('"decision":"deny"', '"decision":"allow"') : l)).join('\n') + '\n');
    const edited = await airlock(['log', '--verify'], { home });
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain(`BROKEN at record #${seq}`);
    expect(edited.stdout).toContain('does not match its hash (the record was edited)');

    fs.writeFileSync(segment!.file, lines.filter((_, i) => i !== callIndex).join('\n') + '\n');
    const removed = await airlock(['log', '--verify'], { home });
    expect(removed.code).toBe(1);
    expect(removed.stdout).toMatch(new RegExp(`BROKEN at record #${seq + 1} .*sequence jumps from ${seq - 1} to ${seq + 1}`));
  });
});
