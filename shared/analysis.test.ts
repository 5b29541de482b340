import { describe, expect, it } from 'vitest';
import { classify } from './jsonrpc';
import { canonicalJson } from './canonical';
import { findSecrets, redact, redactText } from './secrets';
import { extractResources, type PathResolver } from './resources';
import { assessOperation, claimedOperation } from './operation';
import { evaluatePolicy } from './policy';
import { toSegments, toVisibleText } from './visible';
import type { Rule } from './types';

const posix: PathResolver = {
  resolve(raw) {
    const parts = (raw.startsWith('~/') ? `/home/dev/${raw.slice(2)}` : raw.startsWith('/') ? raw : `/work/proj/${raw}`).split('/');
    const out: string[] = [];
    for (const p of parts) {
      if (p === '..') out.pop();
      else if (p && p !== '.') out.push(p);
    }
    return `/${out.join('/')}`;
  },
  isInsideWorkingDir: (abs) => abs === '/work/proj' || abs.startsWith('/work/proj/'),
};

describe('classify', () => {
  it('tells requests, notifications and responses apart and keeps unknown fields', () => {
    expect(classify({ jsonrpc: '2.0', id: 1, method: 'x', extra: true })).toMatchObject({ kind: 'request', message: { extra: true } });
    expect(classify({ jsonrpc: '2.0', method: 'n' }).kind).toBe('notification');
    expect(classify({ jsonrpc: '2.0', id: 'a', result: {} }).kind).toBe('response');
    expect(classify({ jsonrpc: '2.0', id: 2, error: { code: -1, message: 'no' } }).kind).toBe('response');
  });
  it('rejects shapes that are none of them, keeping the id when it can', () => {
    expect(classify({ jsonrpc: '2.0', id: 3, method: 'x', result: {} })).toMatchObject({ kind: 'invalid', id: 3 });
    expect(classify({ jsonrpc: '2.0', id: 1.5, method: 'x' })).toMatchObject({ kind: 'invalid', id: null });
    expect(classify({ jsonrpc: '2.0', id: 4, method: 'x', params: [1] })).toMatchObject({ kind: 'invalid', reason: '"params" must be an object' });
    expect(classify(null).kind).toBe('invalid');
  });
});

describe('canonical JSON', () => {
  it('ignores key order and nothing else', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: 'x' } })).toBe(canonicalJson({ a: { c: 'x', d: [2, 1] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: 'x\u200b' })).not.toBe(canonicalJson({ a: 'x' }));
  });
});

describe('secrets', () => {
  it('finds secret-shaped values and secret-named fields, and redacts them', () => {
    const args = { token: 'abc', note: 'Bearer abcdefghijklmnopqrstuvwxyz', nested: [{ aws: 'AKIAIOSFODNN7EXAMPLE' }], max_tokens: 100, name: 'ok' };
    expect(findSecrets(args).map((s) => `${s.pointer}=${s.kind}`).sort()).toEqual(['/nested/0/aws=aws-access-key', '/note=bearer-token', '/token=secret-field']);
    expect(redact(args)).toEqual({ token: '«redacted:secret-field»', note: '«redacted:bearer-token»', nested: [{ aws: '«redacted:aws-access-key»' }], max_tokens: 100, name: 'ok' });
    expect(redactText('key=AKIAIOSFODNN7EXAMPLE and more')).toBe('key=«redacted:aws-access-key» and more');
  });
});

describe('resources touched', () => {
  it('resolves paths against the working directory, expands ~ and .., and flags escapes', () => {
    const found = extractResources({ path: '../secrets/.env', other: 'src/app.ts', home: '~/notes.md' }, { resolver: posix });
    expect(found.map((r) => [r.resolved, r.outsideWorkingDir])).toEqual([
      ['/work/secrets/.env', true],
      ['/home/dev/notes.md', true],
    ]);
    expect(extractResources({ file: 'src/app.ts' }, { resolver: posix })[0]).toMatchObject({ resolved: '/work/proj/src/app.ts', outsideWorkingDir: false });
  });
  it('pulls out URLs with their host, recipients, repos, SQL and shell commands', () => {
    const found = extractResources(
      { url: 'https://user@api.example.com:8443/v1?x=1', to: 'Ann <ann@example.com>, bob@corp.test', owner: 'octo', repo: 'hello', sql: 'DELETE FROM users WHERE 1=1', command: 'rm -rf /tmp/x' },
      { resolver: posix },
    );
    expect(found.map((r) => `${r.kind}:${r.host ?? r.resolved}`)).toEqual([
      'repo:octo/hello',
      'url:api.example.com',
      'email:ann@example.com',
      'email:bob@corp.test',
      'sql:DELETE FROM users WHERE 1=1',
      'command:rm -rf /tmp/x',
    ]);
  });
});

describe('operation class', () => {
  it('reads annotations as claims and shows the more dangerous reading', () => {
    expect(claimedOperation(undefined)).toBe('unknown');
    expect(claimedOperation({ readOnlyHint: true })).toBe('read');
    expect(claimedOperation({ readOnlyHint: false, destructiveHint: false })).toBe('write');
    expect(claimedOperation({ readOnlyHint: false })).toBe('destructive');
    const lying = assessOperation('delete_repository', { readOnlyHint: true }, []);
    expect(lying).toMatchObject({ claimed: 'read', assessed: 'destructive', effective: 'destructive' });
    const sql = assessOperation('run_query', { readOnlyHint: true }, [{ kind: 'sql', raw: '', resolved: 'DROP TABLE users', pointer: '/sql' }]);
    expect(sql.effective).toBe('destructive');
    expect(assessOperation('getWeather', undefined, []).assessed).toBe('read');
    expect(assessOperation('http_request', undefined, [], { method: 'GET', url: 'https://x.test' })).toMatchObject({ assessed: 'read', reasons: ['it sends an HTTP GET'] });
    expect(assessOperation('http_request', { readOnlyHint: true }, [], { method: 'delete' }).effective).toBe('destructive');
  });
});

describe('policy', () => {
  const rule = (tool: string, action: Rule['action']): Rule => ({ id: tool + action, server: 's', tool, action, createdAt: '', source: '' });
  it('asks by default, and deny beats ask beats allow', () => {
    expect(evaluatePolicy([], 's', 't').action).toBe('ask');
    expect(evaluatePolicy([rule('t', 'allow')], 's', 't').action).toBe('allow');
    expect(evaluatePolicy([rule('*', 'allow'), rule('t', 'deny')], 's', 't').action).toBe('deny');
    expect(evaluatePolicy([rule('*', 'allow'), rule('t', 'ask')], 's', 't').action).toBe('ask');
    expect(evaluatePolicy([rule('t', 'allow')], 'other', 't').action).toBe('ask');
  });
});

describe('visible text', () => {
  it('draws hidden characters and escape sequences as marks, and decodes tag smuggling', () => {
    expect(toVisibleText('a\u200bb\u001b[8mc\u202e')).toBe('a⟨ZWSP⟩b⟨ESC⟩[8mc⟨RLO⟩');
    const tags = String.fromCodePoint(...[...'HI'].map((c) => 0xe0000 + c.charCodeAt(0)));
    const segments = toSegments(`x${tags}y`);
    expect(segments[1]).toMatchObject({ text: '⟨TAG “HI”⟩', mark: { description: expect.stringContaining('hidden text “HI”') } });
    expect(toVisibleText('line one\n\tline two ✅')).toBe('line one\n\tline two ✅');
  });
});
