import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson } from '../../shared/canonical';
import type { JsonRpcRequest } from '../../shared/jsonrpc';
import { isPlainObject } from '../../shared/jsonrpc';
import { assessOperation } from '../../shared/operation';
import { extractResources, type PathResolver } from '../../shared/resources';
import { findSecrets } from '../../shared/secrets';
import type { Authority, GatedMethod, HostInfo, PendingCall } from '../../shared/types';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Short unguessable ids (for calls, rules, sessions); randomUUID draws from a cached entropy pool. */
export function newId(length = 12): string {
  return randomUUID().replace(/-/g, '').slice(0, length);
}

/** Realpath of the longest existing prefix, so a symlink cannot hide where a path really leads. */
function realpathBestEffort(absolute: string): string {
  let current = absolute;
  const rest: string[] = [];
  for (let i = 0; i < 64; i++) {
    try {
      return path.join(fs.realpathSync.native(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      rest.push(path.basename(current));
      current = parent;
    }
  }
  return absolute;
}

const realRoots = new Map<string, string>();

export function pathResolverFor(workingDir: string, home = os.homedir()): PathResolver {
  // Working directories hardly ever move; resolving one costs several syscalls per call.
  let root = realRoots.get(workingDir);
  if (root === undefined) realRoots.set(workingDir, (root = realpathBestEffort(path.resolve(workingDir))));
  return {
    resolve(raw: string): string {
      let p = raw;
      if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = path.join(home, p.slice(1));
      return realpathBestEffort(path.resolve(root!, p));
    },
    isInsideWorkingDir(absolute: string): boolean {
      const relative = path.relative(root!, absolute);
      return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
    },
  };
}

/** What the tools/list told us about a tool, when we know it. */
export interface ToolFacts {
  title?: string;
  description?: string;
  annotations?: Record<string, unknown>;
}

export interface DescribedCall {
  item: PendingCall;
  /** The approved definition the call is judged against, when there is one. */
  definition?: { key: string; hash: string };
  /** The exact bytes that will be forwarded if the call is allowed. */
  wire: string;
  argsHash: string;
}

export function targetOf(method: GatedMethod, params: Record<string, unknown>): string {
  const key = method === 'resources/read' ? 'uri' : 'name';
  const value = params[key];
  return typeof value === 'string' ? value : '';
}

/**
 * Turns a gated request into everything a card needs, and freezes the bytes that an approval
 * will release: the canonical serialisation of exactly this request. The hash names those bytes.
 */
export function describeCall(options: {
  request: JsonRpcRequest;
  method: GatedMethod;
  server: string;
  host: HostInfo;
  authority: Authority;
  workingDir: string;
  tool?: ToolFacts;
  holdBudgetMs: number;
  now: number;
}): DescribedCall {
  const { request, method } = options;
  const params = isPlainObject(request.params) ? request.params : {};
  const target = targetOf(method, params);
  const args = method === 'resources/read' ? { uri: target } : (params.arguments ?? {});
  const wire = canonicalJson(request);
  const resources = extractResources(args, { resolver: pathResolverFor(options.workingDir), toolName: target });
  const annotations = isPlainObject(options.tool?.annotations) ? options.tool.annotations : undefined;
  const item: PendingCall = {
    kind: 'call',
    id: newId(),
    hash: sha256Hex(wire),
    method,
    server: options.server,
    target,
    ...(options.tool?.title !== undefined ? { title: options.tool.title } : {}),
    ...(options.tool?.description !== undefined ? { description: options.tool.description } : {}),
    ...(annotations ? { annotations } : {}),
    host: options.host,
    arguments: args,
    secrets: findSecrets(args),
    resources,
    operation: method === 'tools/call' ? assessOperation(target, annotations, resources, args) : { claimed: 'read', assessed: 'read', effective: 'read', reasons: [`${method} reads`] },
    authority: options.authority,
    receivedAt: options.now,
    holdDeadline: options.now + options.holdBudgetMs,
    expired: false,
  };
  return { item, wire, argsHash: sha256Hex(canonicalJson(args)) };
}
