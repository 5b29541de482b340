import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonical';
import { definitionKey, pairRenames } from '../../../shared/definitions';
import { highestSeverity, scanDefinition } from '../../../shared/findings';
import { errorResponse, ErrorCodes, isPlainObject, type JsonObject } from '../../../shared/jsonrpc';
import type { DefinitionKind, Finding, ServerRecord, Severity } from '../../../shared/types';
import { describeFramingProblem } from '../framing';
import type { Upstream, UpstreamHandlers } from '../upstream/types';
import { LIST_METHODS } from './lists';
import { observe, type Observed } from './guard';
import type { ServerPins } from './store';

export interface ScannedDefinition {
  key: string;
  kind: DefinitionKind;
  name: string;
  state: 'new' | 'approved' | 'changed' | 'renamed' | 'rejected';
  previousName?: string;
  findings: Finding[];
}

export interface ScanReport {
  server: string;
  serverInfo?: unknown;
  definitions: ScannedDefinition[];
  /** Lists the server does not offer or failed to answer, with why. */
  skipped: Array<{ method: string; reason: string }>;
  highest?: Severity;
}

const TIMEOUT_MS = 30_000;

/** A minimal JSON-RPC client over an Upstream: requests and their answers, nothing forwarded anywhere. */
class RawClient {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: JsonObject) => void; reject: (e: Error) => void }>();
  readonly upstream: Upstream;
  private exited: string | undefined;

  constructor(create: (handlers: UpstreamHandlers) => Upstream) {
    this.upstream = create({
      onMessage: (value) => this.receive(value),
      onProblem: (problem) => this.failAll(`the server wrote something that is not MCP (${describeFramingProblem(problem)})`, false),
      onExit: (exit) => this.failAll(`the server exited (${exit.reason ?? (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`)})`, true),
    });
  }

  private receive(value: unknown): void {
    if (!isPlainObject(value)) return;
    if (typeof value.method === 'string' && value.id !== undefined) {
      // The scan declares no client capabilities; a server asking anyway gets a plain refusal.
      const reply = errorResponse(value.id as number, ErrorCodes.MethodNotFound, 'airlock scan answers no requests');
      this.upstream.send(reply, `${JSON.stringify(reply)}\n`);
      return;
    }
    const pending = typeof value.id === 'number' ? this.waiting.get(value.id) : undefined;
    if (!pending) return;
    this.waiting.delete(value.id as number);
    if (isPlainObject(value.error)) pending.reject(new Error(String(value.error.message)));
    else pending.resolve(isPlainObject(value.result) ? value.result : {});
  }

  private failAll(reason: string, fatal: boolean): void {
    if (fatal) this.exited = reason;
    if (!fatal) return;
    for (const { reject } of this.waiting.values()) reject(new Error(reason));
    this.waiting.clear();
  }

  request(method: string, params?: JsonObject): Promise<JsonObject> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.next++;
    const message = { jsonrpc: '2.0', id, method, ...(params ? { params } : {}) };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer to ${method} within ${TIMEOUT_MS / 1000} s`));
      }, TIMEOUT_MS);
      this.waiting.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.upstream.send(message, `${JSON.stringify(message)}\n`);
    });
  }

  notify(method: string): void {
    const message = { jsonrpc: '2.0', method };
    this.upstream.send(message, `${JSON.stringify(message)}\n`);
  }
}

export interface ScanDependencies {
  createUpstream(record: ServerRecord, handlers: UpstreamHandlers): Upstream;
  /** The server's pins, if they were made for this launch spec. */
  pins: ServerPins | undefined;
  otherServerTools: string[];
}

function specHashOf(record: ServerRecord): string {
  return createHash('sha256').update(canonicalJson(record.spec)).digest('hex');
}

/**
 * `airlock scan`: starts the server on its own, reads everything it would show a model, and says
 * for each definition whether it is new, approved or changed since approval, with its findings.
 */
export async function scanServer(record: ServerRecord, deps: ScanDependencies): Promise<ScanReport> {
  const client = new RawClient((handlers) => deps.createUpstream(record, handlers));
  await client.upstream.start();
  const observed: Observed[] = [];
  const skipped: ScanReport['skipped'] = [];
  let serverInfo: unknown;
  try {
    const init = await client.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'airlock-scan', version: '1' } });
    client.notify('notifications/initialized');
    serverInfo = init.serverInfo;
    if (init.serverInfo !== undefined) observed.push(observe('server-info', init.serverInfo));
    if (typeof init.instructions === 'string') observed.push(observe('instructions', init.instructions));
    const capabilities = isPlainObject(init.capabilities) ? init.capabilities : {};
    for (const [method, list] of Object.entries(LIST_METHODS)) {
      const capability = method.startsWith('tools') ? 'tools' : method.startsWith('prompts') ? 'prompts' : 'resources';
      if (!(capability in capabilities)) {
        skipped.push({ method, reason: `the server offers no ${capability}` });
        continue;
      }
      let cursor: unknown;
      try {
        for (let page = 0; page < 100; page++) {
          const result = await client.request(method, cursor === undefined ? undefined : { cursor });
          const items = result[list.field];
          if (Array.isArray(items)) for (const item of items) observed.push(observe(list.kind, item));
          cursor = result.nextCursor;
          if (cursor === undefined) break;
        }
      } catch (error) {
        skipped.push({ method, reason: (error as Error).message });
      }
    }
  } finally {
    await client.upstream.close();
  }

  const pins = deps.pins && deps.pins.specHash === specHashOf(record) ? deps.pins : undefined;
  const definitions: ScannedDefinition[] = observed.map((o) => {
    const pin = pins?.approved[o.key];
    const state = pin?.hash === o.hash ? 'approved' : pins?.rejected[o.key] === o.hash ? 'rejected' : pin ? 'changed' : 'new';
    return { key: o.key, kind: o.kind, name: o.name, state, findings: scanDefinition(o.kind, o.view, { otherServerTools: deps.otherServerTools }) };
  });
  if (pins) {
    // An approved definition gone from the lists, and a similar new one: a rename, not a harmless addition.
    const present = new Set(observed.map((o) => o.key));
    for (const kind of new Set(definitions.map((d) => d.kind))) {
      const removed = Object.values(pins.approved)
        .filter((pin) => pin.kind === kind && !present.has(definitionKey(kind, pin.name)))
        .map((pin) => ({ kind, name: pin.name, definition: pin.view }));
      const added = definitions
        .filter((d) => d.kind === kind && d.state === 'new')
        .map((d) => ({ kind, name: d.name, definition: observed.find((o) => o.key === d.key)!.view }));
      for (const pair of pairRenames(removed, added)) {
        const entry = definitions.find((d) => d.key === definitionKey(kind, pair.added.name))!;
        entry.state = 'renamed';
        entry.previousName = pair.removed.name;
      }
    }
  }
  const highest = highestSeverity(definitions.flatMap((d) => d.findings));
  return { server: record.name, serverInfo, definitions, skipped, ...(highest ? { highest } : {}) };
}
