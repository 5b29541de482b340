/**
 * "Resources touched": what a call's arguments point at — files, URLs, repositories, e-mail
 * recipients, SQL, shell commands — pulled out so a person sees them as plain facts rather than
 * digging through JSON. Path resolution is injected by the caller (the core uses the platform's
 * path rules and resolves symlinks), so this module stays free of Node APIs.
 */
import { isPlainObject } from './jsonrpc';
import { pointerJoin } from './secrets';
import type { ResourceRef } from './types';

export interface PathResolver {
  /** Absolute, normalised form of `path` (with `~` expanded) relative to the server's working directory. */
  resolve(path: string): string;
  /** Whether an absolute path lies inside the server's working directory. */
  isInsideWorkingDir(absolute: string): boolean;
}

const PATH_KEYS = /^(?:path|paths|file|files|filename|filepath|file_path|dir|dirs|directory|directories|folder|source|destination|src|dest|target_path|cwd|root|location)$/i;
const URL_KEYS = /(?:^|_)(?:url|uri|href|link|endpoint|webhook)s?$/i;
const EMAIL_KEYS = /^(?:to|cc|bcc|from|reply_?to|recipients?|emails?|email_?address(?:es)?|attendees?)$/i;
const SQL_KEYS = /^(?:sql|query|statement|stmt)$/i;
const COMMAND_KEYS = /^(?:command|cmd|script|shell|commandline|command_line|bash|sh)$/i;
const REPO_KEYS = /^(?:repo|repository|repo_name|full_name)$/i;

const URL_PATTERN = /\b([a-z][a-z0-9+.-]{1,15}):\/\/([^\s/?#"'<>]+)([^\s"'<>]*)/gi;
const EMAIL_PATTERN = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const SQL_PATTERN = /^\s*(?:select|insert|update|delete|create|drop|alter|truncate|with|grant|revoke|merge|replace|upsert)\b/i;
const PATHLIKE = /^(?:~(?:[/\\]|$)|\.{1,2}[/\\]|\/(?!\/)|[A-Za-z]:[/\\]|\\\\)/;

function hostOf(authority: string): string {
  const withoutUser = authority.includes('@') ? authority.slice(authority.lastIndexOf('@') + 1) : authority;
  const bracketed = withoutUser.match(/^\[[^\]]+\]/);
  if (bracketed) return bracketed[0].toLowerCase();
  return withoutUser.replace(/:\d*$/, '').toLowerCase();
}

function extractUrls(text: string, pointer: string, into: ResourceRef[]): boolean {
  let found = false;
  for (const match of text.matchAll(URL_PATTERN)) {
    found = true;
    const host = hostOf(match[2]!);
    into.push({ kind: 'url', raw: match[0], resolved: match[0], pointer, host });
  }
  return found;
}

export interface ExtractOptions {
  resolver: PathResolver;
  /** The tool name helps read ambiguous keys (a `query` of a SQL tool is SQL). */
  toolName?: string;
  /** Cap on how many references are reported, so a huge argument cannot flood a card. */
  max?: number;
}

export function extractResources(args: unknown, options: ExtractOptions): ResourceRef[] {
  const found: ResourceRef[] = [];
  const max = options.max ?? 50;
  const toolIsShell = /(?:exec|shell|terminal|run_command|bash|command)/i.test(options.toolName ?? '');
  const toolIsSql = /(?:sql|query|database|db_)/i.test(options.toolName ?? '');

  const addPath = (raw: string, pointer: string) => {
    const resolved = options.resolver.resolve(raw);
    found.push({ kind: 'path', raw, resolved, pointer, outsideWorkingDir: !options.resolver.isInsideWorkingDir(resolved) });
  };

  const visitString = (value: string, key: string | undefined, pointer: string) => {
    const k = key ?? '';
    if (COMMAND_KEYS.test(k) || (toolIsShell && (k === 'input' || k === 'args'))) {
      found.push({ kind: 'command', raw: value, resolved: value, pointer });
      return;
    }
    if (SQL_KEYS.test(k) && (SQL_PATTERN.test(value) || toolIsSql)) {
      found.push({ kind: 'sql', raw: value, resolved: value.trim(), pointer });
      return;
    }
    if (SQL_PATTERN.test(value) && /\b(?:from|into|table|set|where)\b/i.test(value)) {
      found.push({ kind: 'sql', raw: value, resolved: value.trim(), pointer });
      return;
    }
    if (URL_KEYS.test(k) || /^[a-z][a-z0-9+.-]{1,15}:\/\//i.test(value)) {
      if (extractUrls(value, pointer, found)) return;
    }
    if (REPO_KEYS.test(k) && /^[\w.-]+\/[\w.-]+$/.test(value)) {
      found.push({ kind: 'repo', raw: value, resolved: value, pointer });
      return;
    }
    if (EMAIL_KEYS.test(k) || EMAIL_PATTERN.test(value)) {
      for (const part of value.split(/[,;]\s*/)) {
        const address = part.replace(/^.*<([^>]+)>.*$/, '$1').trim();
        if (EMAIL_PATTERN.test(address)) found.push({ kind: 'email', raw: part, resolved: address.toLowerCase(), pointer });
      }
      return;
    }
    if (value.startsWith('file://')) {
      addPath(decodeURIComponent(value.slice('file://'.length)), pointer);
      return;
    }
    if ((PATH_KEYS.test(k) && value.length > 0 && !value.includes('\n')) || PATHLIKE.test(value)) {
      if (value.length < 4096) addPath(value, pointer);
    }
  };

  const stack: Array<{ value: unknown; key?: string; pointer: string }> = [{ value: args, pointer: '' }];
  while (stack.length > 0 && found.length < max) {
    const { value, key, pointer } = stack.pop()!;
    if (typeof value === 'string') visitString(value, key, pointer);
    else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key, pointer: pointerJoin(pointer, i) });
    } else if (isPlainObject(value)) {
      const owner = value.owner;
      const repo = value.repo ?? value.repository;
      if (typeof owner === 'string' && typeof repo === 'string' && !repo.includes('/')) {
        found.push({ kind: 'repo', raw: `${owner}/${repo}`, resolved: `${owner}/${repo}`, pointer });
      }
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        if ((k === 'repo' || k === 'repository') && typeof owner === 'string' && typeof v === 'string' && !v.includes('/')) continue;
        if (k === 'owner' && typeof repo === 'string') continue;
        stack.push({ value: v, key: k, pointer: pointerJoin(pointer, k) });
      }
    }
  }
  return found.slice(0, max);
}
