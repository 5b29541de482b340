/**
 * Honest definitions must not alarm anyone: realistic descriptions modelled on widely used
 * servers (filesystem, GitHub, Slack, SQL, search, browser automation, cloud CLIs), plus the live
 * definitions of the reference servers installed with the project. None may raise a `high`
 * finding, and most should raise nothing at all.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { scanDefinition } from '../shared/findings';
import type { DefinitionKind, Finding } from '../shared/types';

const str = (description?: string) => ({ type: 'string', ...(description ? { description } : {}) });
const schema = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required });

interface Case {
  kind: DefinitionKind;
  definition: unknown;
  /** Warnings this honest text may fairly raise; anything else must stay silent or `info`. */
  mayWarn?: true;
}

const tool = (name: string, description: string, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Case => ({
  kind: 'tool',
  definition: { name, description, inputSchema: schema(properties), ...extra },
});

const CASES: Case[] = [
  tool(
    'edit_file',
    'Make line-based edits to a text file. Each edit replaces exact line sequences with new content. Returns a git-style diff showing the changes made. Only works within allowed directories.',
    { path: str(), edits: { type: 'array', items: schema({ oldText: str('Text to search for - must match exactly'), newText: str('Text to replace with') }) }, dryRun: { type: 'boolean', default: false, description: 'Preview changes using git-style diff format' } },
  ),
  tool(
    'search_files',
    'Recursively search for files and directories matching a pattern. Searches through all subdirectories from the starting path. The search is case-insensitive and matches partial names. Returns full paths to all matching items. Great for finding files when you don\'t know their exact location. Only searches within allowed directories.',
    { path: str(), pattern: str(), excludePatterns: { type: 'array', items: str(), default: [] } },
  ),
  tool('list_directory', 'Get a detailed listing of all files and directories in a specified path. Results clearly distinguish between files and directories with [FILE] and [DIR] prefixes.', {
    path: str(),
    include_hidden: { type: 'boolean', description: 'Include hidden files such as .env and .gitignore in the listing' },
  }),
  tool('get_file_contents', 'Get the contents of a file or directory from a GitHub repository', {
    owner: str('Repository owner (username or organization)'),
    repo: str('Repository name'),
    path: str('Path to the file or directory'),
    branch: str('Branch to get contents from'),
  }),
  tool('create_or_update_file', 'Create or update a single file in a GitHub repository', {
    owner: str(),
    repo: str(),
    path: str('Path where to create/update the file'),
    content: str('Content of the file'),
    message: str('Commit message'),
    branch: str('Branch to create/update the file in'),
    sha: str('SHA of the file being replaced (required when updating existing files)'),
  }),
  tool(
    'search_code',
    'Search for code across GitHub repositories. Use this tool instead of search_repositories when you need matching lines of code rather than repository metadata.',
    { q: str('Search query using GitHub code search syntax'), page: { type: 'number', minimum: 1 }, perPage: { type: 'number', maximum: 100 } },
  ),
  tool('list_issues', 'List issues in a GitHub repository with filtering options. Use the `after` cursor from the previous page to page through results.', {
    owner: str(),
    repo: str(),
    state: { type: 'string', enum: ['open', 'closed', 'all'], default: 'open' },
    labels: { type: 'array', items: str() },
    after: str('Cursor for pagination, from the previous response'),
    page_token: str('Token for the next page of results'),
  }),
  tool('slack_post_message', 'Post a new message to a Slack channel. Messages support Slack markdown; mention users with <@USER_ID>.', {
    channel_id: str('The ID of the channel to post to'),
    text: str('The message text to post'),
  }),
  tool('slack_reply_to_thread', 'Reply to a specific message thread in Slack. Note: the thread_ts is the timestamp of the parent message, in the format 1234567890.123456.', {
    channel_id: str(),
    thread_ts: str(),
    text: str(),
  }),
  tool(
    'query',
    'Run a read-only SQL query against the connected PostgreSQL database. Before calling this tool, call list_tables to learn the table names. Queries run inside a READ ONLY transaction and return at most 1000 rows.',
    { sql: str('The SQL to execute, e.g. SELECT id, email FROM users WHERE created_at > now() - interval \'7 days\'') },
    { annotations: { readOnlyHint: true, title: 'Query database' } },
  ),
  tool(
    'brave_web_search',
    'Performs a web search using the Brave Search API, ideal for general queries, news, articles, and online content. Use this for broad information gathering, recent events, or when you need diverse web sources. Supports pagination, content filtering, and freshness controls. Maximum 20 results per request, with offset for pagination.',
    { query: str('Search query (max 400 chars, 50 words)'), count: { type: 'number', default: 10 }, offset: { type: 'number', default: 0 } },
  ),
  tool('puppeteer_navigate', 'Navigate to a URL in the browser. The page is loaded in a fresh Chromium profile that is discarded when the server stops.', {
    url: str('URL to navigate to, e.g. https://example.com'),
    launchOptions: { type: 'object', description: 'PuppeteerJS LaunchOptions. Default null. If changed and not null, browser restarts.' },
  }),
  tool('puppeteer_evaluate', 'Execute JavaScript in the browser console and return the result.', { script: str('JavaScript code to execute') }),
  tool('gdrive_search', 'Search for files in Google Drive by name or content. Returns file IDs, names and MIME types.', { query: str() }),
  tool(
    'ssh_exec',
    'Execute a command on a remote host over SSH, using the host aliases and keys configured in ~/.ssh/config. Output is truncated to 64 KB.',
    { host: str('Host alias from your SSH config'), command: str() },
  ),
  tool('s3_list_buckets', 'List S3 buckets in the account, using the AWS credentials of the default profile.', { region: str('AWS region, e.g. eu-west-1') }),
  tool('kubectl_get', 'Get Kubernetes resources from the current context in your kubeconfig.', { resource: str(), namespace: str() }, { annotations: { readOnlyHint: true } }),
  tool('send_email', 'Send an email to one or more recipients. Example recipient: alice@example.com. Use with care: the message is sent immediately.', {
    to: { type: 'array', items: str() },
    cc: { type: 'array', items: str() },
    bcc: { type: 'array', items: str() },
    subject: str(),
    body: str(),
  }),
  tool('create_user', 'Create a user account in the admin console. The password must be at least 12 characters.', {
    email: str(),
    password: str('Initial password for the account'),
    max_tokens: { type: 'integer', description: 'Token budget for the user' },
  }),
  tool(
    'run_command',
    'Run a shell command in the project directory. Use with care: commands such as rm -rf are destructive. Always use absolute paths. Do not use this tool for long-running servers.',
    { command: str(), timeout_ms: { type: 'integer', default: 30000 } },
  ),
  tool('get_weather', 'Important: results are cached for ten minutes. Returns temperature in °C, humidity in %, and conditions such as ☀️ sunny, 🌧️ rain or ❄️ snow.', { city: str() }),
  tool('set_status', 'Set your profile status with an emoji such as ✅, 🚀, 👩‍💻 or 🏳️‍🌈 and a short message.', { emoji: str(), text: str() }),
  tool('translate', 'Übersetzt Text ins Deutsche – oder ins Japanische (日本語) – und behält Zeilenumbrüche bei.', { text: str(), target: { type: 'string', enum: ['de', 'ja', 'fa'] } }),
  tool('fa_text', 'متن فارسی را با نیم‌فاصله درست ذخیره می‌کند.', { text: str() }),
  tool('hash_file', 'Return the SHA-256 of a file, e.g. e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 for an empty file.', { path: str() }),
  tool('decode_jwt', 'Decode a JWT such as eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0 without verifying it.', { token: str('The JWT to decode') }),
  tool('render_markdown', 'Render markdown to HTML. <!-- generated from openapi.yaml --> Supports tables and task lists.', { md: str() }),
  tool('retry_job', 'Retry a failed CI job. Jobs that fail silently are retried up to three times.', { job_id: str() }),
  tool('create_pr', 'Create a pull request. Do not use it for draft work; prefer create_draft_pr.', { title: str(), head: str(), base: str() }),
  {
    kind: 'prompt',
    definition: {
      name: 'code_review',
      description: 'Review the given code for bugs, security problems and style, and suggest fixes.',
      arguments: [
        { name: 'code', description: 'The code to review', required: true },
        { name: 'language', description: 'Programming language, e.g. TypeScript' },
      ],
    },
  },
  { kind: 'resource', definition: { uri: 'file:///project/README.md', name: 'README', description: 'The project readme.', mimeType: 'text/markdown' } },
  { kind: 'resource-template', definition: { uriTemplate: 'github://repos/{owner}/{repo}/issues/{number}', name: 'Issue', description: 'A GitHub issue by number.' } },
  {
    kind: 'instructions',
    definition:
      'This server gives access to the team wiki. Use search_pages to find pages before calling get_page. Prefer reading over writing: always ask the user before publishing a page. Results are limited to 50 pages per call.',
  },
  { kind: 'server-info', definition: { name: 'wiki-server', title: 'Team Wiki', version: '2.3.1', websiteUrl: 'https://wiki.example.com' } },
];

function describeFindings(findings: Finding[]): string {
  return findings.map((finding) => `${finding.severity} ${finding.kind} at ${finding.path}: ${finding.message}`).join('\n');
}

describe('honest definitions', () => {
  it.each(CASES.map((c) => [(c.definition as { name?: string; uri?: string }).name ?? c.kind, c] as const))('%s raises no high finding', (_name, c) => {
    const findings = scanDefinition(c.kind, c.definition, { otherServerTools: ['read_file', 'send_email', 'search'] });
    expect(describeFindings(findings.filter((finding) => finding.severity === 'high'))).toBe('');
  });

  it('stays quiet on most of them: at most a handful of warnings across all the cases', () => {
    const warnings = CASES.flatMap((c) => scanDefinition(c.kind, c.definition).filter((finding) => finding.severity === 'warn'));
    expect(warnings.length, describeFindings(warnings)).toBeLessThanOrEqual(8);
  });

  it('does not flag emoji, their variation selectors or ZWJ sequences', () => {
    for (const name of ['get_weather', 'set_status']) {
      const c = CASES.find((item) => (item.definition as { name: string }).name === name)!;
      expect(scanDefinition(c.kind, c.definition).filter((finding) => finding.kind === 'invisible-character')).toEqual([]);
    }
  });

  it('does not flag the zero-width non-joiner Persian needs between letters', () => {
    const c = CASES.find((item) => (item.definition as { name: string }).name === 'fa_text')!;
    expect(scanDefinition(c.kind, c.definition)).toEqual([]);
  });
});

describe('the reference servers installed with the project', () => {
  const servers: Record<string, string[]> = {
    filesystem: ['node_modules/@modelcontextprotocol/server-filesystem/dist/index.js', process.cwd()],
    everything: ['node_modules/@modelcontextprotocol/server-everything/dist/index.js'],
    memory: ['node_modules/@modelcontextprotocol/server-memory/dist/index.js'],
  };

  it.each(Object.keys(servers))('%s: no definition raises a high finding', async (server) => {
    const client = new Client({ name: 'airlock-findings-test', version: '1' }, { capabilities: {} });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: servers[server]!, stderr: 'ignore' }));
    try {
      const capabilities = client.getServerCapabilities() ?? {};
      const definitions: Array<[DefinitionKind, unknown]> = [
        ...(await client.listTools()).tools.map((t) => ['tool', t] as [DefinitionKind, unknown]),
        ...(capabilities.prompts ? (await client.listPrompts()).prompts.map((p) => ['prompt', p] as [DefinitionKind, unknown]) : []),
        ...(capabilities.resources ? (await client.listResources()).resources.map((r) => ['resource', r] as [DefinitionKind, unknown]) : []),
        ...(capabilities.resources ? (await client.listResourceTemplates()).resourceTemplates.map((r) => ['resource-template', r] as [DefinitionKind, unknown]) : []),
        ['instructions', client.getInstructions() ?? ''],
        ['server-info', client.getServerVersion()],
      ];
      expect(definitions.length).toBeGreaterThan(3);
      const high = definitions.flatMap(([kind, definition]) => scanDefinition(kind, definition).filter((finding) => finding.severity === 'high'));
      expect(describeFindings(high)).toBe('');
    } finally {
      await client.close();
    }
  });
});
