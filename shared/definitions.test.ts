/** What is fingerprinted, how definitions are keyed, and how renames are recognised. */
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical';
import { definitionKey, definitionName, identifierTokens, pairRenames, parseDefinitionKey, pinnedView, type RenameCandidate } from './definitions';

const fingerprint = (kind: Parameters<typeof pinnedView>[0], definition: unknown) => canonicalJson(pinnedView(kind, definition));

describe('pinnedView', () => {
  const tool = {
    name: 'search',
    description: 'Search the docs.',
    inputSchema: {
      type: 'object',
      properties: { query: { type: 'string' }, filters: { type: 'object', properties: { lang: { type: 'string' }, year: { type: 'integer' } }, required: ['lang', 'year'] } },
      required: ['query', 'filters'],
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
    _meta: { 'vendor/build': 7 },
    execution: { taskSupport: 'forbidden' },
  };

  it('is the same whatever the order of keys, properties and required names', () => {
    const reordered = {
      execution: { taskSupport: 'forbidden' },
      annotations: { openWorldHint: false, readOnlyHint: true },
      inputSchema: {
        required: ['filters', 'query'],
        properties: { filters: { required: ['year', 'lang'], properties: { year: { type: 'integer' }, lang: { type: 'string' } }, type: 'object' }, query: { type: 'string' } },
        type: 'object',
      },
      description: 'Search the docs.',
      name: 'search',
    };
    expect(fingerprint('tool', reordered)).toBe(fingerprint('tool', tool));
  });

  it('keeps only the pinned fields, leaving absent ones out', () => {
    expect(Object.keys(pinnedView('tool', tool) as object).sort()).toEqual(['annotations', 'description', 'inputSchema', 'name']);
    expect(pinnedView('resource', { uri: 'file:///a', name: 'a', size: 12, annotations: { lastModified: '2026-01-01' } })).toEqual({ uri: 'file:///a', name: 'a' });
    expect(pinnedView('server-info', { name: 's', version: '1.2.0', websiteUrl: 'https://s.test', capabilities: {} })).toEqual({ name: 's', version: '1.2.0', websiteUrl: 'https://s.test' });
    expect(pinnedView('resource-template', { uriTemplate: 'db://{table}', name: 'table', extra: 1 })).toEqual({ uriTemplate: 'db://{table}', name: 'table' });
  });

  it('counts every other byte, including the order of enum values', () => {
    const variants = [
      { ...tool, description: 'Search the docs. ' },
      { ...tool, description: 'Search the docs.\u200b' },
      { ...tool, title: 'Search' },
      { ...tool, annotations: { readOnlyHint: false, openWorldHint: false } },
      { ...tool, inputSchema: { ...tool.inputSchema, properties: { ...tool.inputSchema.properties, query: { type: 'string', enum: ['b', 'a'] } } } },
      { ...tool, icons: [{ src: 'https://i.test/x.png' }] },
    ];
    const enumOrder = { ...tool, inputSchema: { ...tool.inputSchema, properties: { ...tool.inputSchema.properties, query: { type: 'string', enum: ['a', 'b'] } } } };
    const prints = new Set([fingerprint('tool', tool), ...variants.map((variant) => fingerprint('tool', variant)), fingerprint('tool', enumOrder)]);
    expect(prints.size).toBe(variants.length + 2);
  });

  it('ignores vendor metadata and the order of prompt arguments', () => {
    const prompt = { name: 'review', arguments: [{ name: 'code', required: true }, { name: 'style' }], _meta: { a: 1 } };
    expect(fingerprint('prompt', { ...prompt, arguments: [{ name: 'style' }, { required: true, name: 'code' }], _meta: { a: 2 } })).toBe(fingerprint('prompt', prompt));
  });

  it('leaves the definition it reads untouched', () => {
    const copy = structuredClone(tool);
    pinnedView('tool', copy);
    expect(copy).toEqual(tool);
  });

  it('pins instructions as their text', () => {
    expect(pinnedView('instructions', 'Use search first.')).toBe('Use search first.');
    expect(pinnedView('instructions', undefined)).toBe('');
  });

  it('copes with definitions that are not objects', () => {
    expect(pinnedView('tool', null)).toEqual({});
    expect(pinnedView('tool', { name: 'x', inputSchema: true })).toEqual({ name: 'x', inputSchema: true });
  });
});

describe('keys and names', () => {
  it('names each kind by the field a server keys it by', () => {
    expect(definitionName('tool', { name: 'send_email' })).toBe('send_email');
    expect(definitionName('prompt', { name: 'review' })).toBe('review');
    expect(definitionName('resource', { uri: 'file:///notes.md', name: 'Notes' })).toBe('file:///notes.md');
    expect(definitionName('resource-template', { uriTemplate: 'db://{t}' })).toBe('db://{t}');
    expect(definitionName('instructions', 'text')).toBe('instructions');
    expect(definitionName('server-info', { name: 'srv' })).toBe('serverInfo');
  });

  it('round-trips keys, URIs with colons included', () => {
    expect(definitionKey('tool', 'send_email')).toBe('tool:send_email');
    expect(parseDefinitionKey('tool:send_email')).toEqual({ kind: 'tool', name: 'send_email' });
    expect(parseDefinitionKey(definitionKey('resource', 'file:///a:b.md'))).toEqual({ kind: 'resource', name: 'file:///a:b.md' });
    expect(parseDefinitionKey('resource-template:db://{t}')).toEqual({ kind: 'resource-template', name: 'db://{t}' });
    expect(parseDefinitionKey('gadget:x')).toBeUndefined();
    expect(parseDefinitionKey('no-colon')).toBeUndefined();
  });

  it('splits identifiers written in any style into the same words', () => {
    for (const name of ['sendEmail', 'send-email', 'SEND_EMAIL', 'send.email', 'SendEmail']) expect(identifierTokens(name)).toEqual(['send', 'email']);
    expect(identifierTokens('HTTPServer2go')).toEqual(['http', 'server', '2', 'go']);
  });
});

describe('pairRenames', () => {
  const tool = (name: string, description: string, properties: string[] = []): RenameCandidate => ({
    kind: 'tool',
    name,
    definition: { name, description, inputSchema: { type: 'object', properties: Object.fromEntries(properties.map((p) => [p, { type: 'string' }])) } },
  });

  it('pairs send_email with send_email_v2 even when the description changed a little', () => {
    const removed = [tool('send_email', 'Send an email to the given recipients.', ['to', 'subject', 'body'])];
    const added = [tool('send_email_v2', 'Send an email to the given recipients, with attachments.', ['to', 'subject', 'body', 'attachments'])];
    const pairs = pairRenames(removed, added);
    expect(pairs.map((p) => [p.removed.name, p.added.name])).toEqual([['send_email', 'send_email_v2']]);
  });

  it('pairs a change of naming style', () => {
    expect(pairRenames([tool('sendEmail', 'Send mail.')], [tool('send-email', 'Deliver a message.')]).map((p) => p.added.name)).toEqual(['send-email']);
  });

  it('pairs a tool renamed outright when its definition is unchanged', () => {
    const description = 'Look up a customer by email address and return their account status and plan.';
    const pairs = pairRenames([tool('find_customer', description, ['email'])], [tool('lookup_account', description, ['email'])]);
    expect(pairs.map((p) => p.added.name)).toEqual(['lookup_account']);
  });

  it('does not pair unrelated tools', () => {
    const pairs = pairRenames([tool('read_file', 'Read a file from disk.', ['path'])], [tool('get_forecast', 'Weather forecast for a city.', ['city'])]);
    expect(pairs).toEqual([]);
  });

  it('does not pair siblings that merely share a description template', () => {
    expect(pairRenames([tool('get_weather', 'Get the weather for a city.', ['city'])], [tool('get_time', 'Get the time for a city.', ['city'])])).toEqual([]);
    const create = tool('create_issue', 'Create a new issue in a GitHub repository.', ['owner', 'repo', 'title', 'body']);
    const update = tool('update_issue', 'Update an existing issue in a GitHub repository.', ['owner', 'repo', 'issue_number', 'title', 'body']);
    expect(pairRenames([create], [update])).toEqual([]);
  });

  it('does not pair empty definitions on their emptiness', () => {
    expect(pairRenames([tool('ping', '')], [tool('reset', '')])).toEqual([]);
  });

  it('uses each definition once and takes the best pairs first', () => {
    const removed = [tool('list_issues', 'List issues in a repository.', ['owner', 'repo']), tool('send_email', 'Send an email.', ['to', 'body'])];
    const added = [tool('send_email_v2', 'Send an email.', ['to', 'body']), tool('send_email_v3', 'Send a fax.', ['number']), tool('list_issues2', 'List issues in a repository.', ['owner', 'repo'])];
    const pairs = pairRenames(removed, added);
    expect(pairs.map((p) => [p.removed.name, p.added.name])).toEqual([
      ['list_issues', 'list_issues2'],
      ['send_email', 'send_email_v2'],
    ]);
    expect(pairs[0]!.score).toBeGreaterThanOrEqual(pairs[1]!.score);
  });

  it('never pairs definitions of different kinds', () => {
    const prompt: RenameCandidate = { kind: 'prompt', name: 'send_email_v2', definition: { name: 'send_email_v2', description: 'Send an email.' } };
    expect(pairRenames([tool('send_email', 'Send an email.')], [prompt])).toEqual([]);
  });

  it('pairs resources whose URI changed slightly', () => {
    const resource = (uri: string): RenameCandidate => ({ kind: 'resource', name: uri, definition: { uri, name: 'report', description: 'Quarterly sales report.', mimeType: 'text/csv' } });
    expect(pairRenames([resource('file:///reports/sales-2025.csv')], [resource('file:///reports/sales-2026.csv')])).toHaveLength(1);
  });

  it('handles nothing to pair', () => {
    expect(pairRenames([], [tool('a_b', 'x')])).toEqual([]);
    expect(pairRenames([tool('a_b', 'x')], [])).toEqual([]);
  });
});
