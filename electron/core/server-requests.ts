import { canonicalJson } from '../../shared/canonical';
import type { CallEntry } from '../../shared/audit';
import { scanElicitation, scanSampling } from '../../shared/findings';
import { errorResponse, ErrorCodes, resultResponse, type JsonRpcRequest, type JsonRpcResponse } from '../../shared/jsonrpc';
import { evaluatePolicy } from '../../shared/policy';
import { redact, redactText } from '../../shared/secrets';
import type { DecidedBy, ElicitationReview, RootsReview, SamplingReview, ServerRequestMethod } from '../../shared/types';
import { grantKey, outcomeFor, type ApprovalQueue, type HeldCall, type Verdict } from './approvals';
import { AuditUnavailable, type AuditLog } from './audit/log';
import { newId, sha256Hex } from './describe-call';
import type { EffectiveSettings } from './effective-settings';
import type { CoreEvents } from './events';
import type { HostSession } from './session';
import type { SettingsStore } from './settings';

export type ServerRequestDecision = { forward: true } | { forward: false; response: JsonRpcResponse };

/** What deciding a server→host request needs from the core. */
export interface ServerRequestDeps {
  readonly settings: SettingsStore;
  readonly effective: EffectiveSettings;
  readonly audit: AuditLog;
  readonly queue: ApprovalQueue;
  readonly events: CoreEvents;
  readonly holdBudgetMs: number;
  emitStatus(): void;
}

/**
 * Sampling, elicitation and roots requests from a server are approved like calls: shown with
 * what the server sends or asks for, held until decided, answered in the spec's own way if not.
 */
export async function gateServerRequest(
core: ServerRequestDeps,
session: HostSession,
request: JsonRpcRequest,
method: ServerRequestMethod,
): Promise<ServerRequestDecision> {
  const server = session.serverName;
  const record = core.settings.data.servers[server];
  const params = (request.params ?? {}) as Record<string, unknown>;
  const hash = sha256Hex(canonicalJson(request));
  const base = { id: newId(), hash, server, host: { ...session.host }, receivedAt: Date.now(), holdDeadline: Date.now() + core.holdBudgetMs };
  const item: SamplingReview | ElicitationReview | RootsReview =
    method === 'sampling/createMessage'
      ? {
          kind: 'sampling',
          ...base,
          messages: Array.isArray(params.messages) ? params.messages : [],
          ...(typeof params.systemPrompt === 'string' ? { systemPrompt: params.systemPrompt } : {}),
          ...(typeof params.maxTokens === 'number' ? { maxTokens: params.maxTokens } : {}),
          params,
          findings: scanSampling(params),
        }
      : method === 'elicitation/create'
        ? {
            kind: 'elicitation',
            ...base,
            mode: params.mode === 'url' ? 'url' : 'form',
            message: typeof params.message === 'string' ? params.message : '',
            ...(params.requestedSchema !== undefined ? { requestedSchema: params.requestedSchema } : {}),
            ...(typeof params.url === 'string' ? { url: params.url } : {}),
            findings: scanElicitation(params),
          }
        : { kind: 'roots', ...base };

  const entry = (decision: 'allow' | 'deny', decidedBy: DecidedBy, note?: string): CallEntry => ({
    type: 'call',
    call: item.id,
    host: item.host,
    server,
    method,
    target: method,
    resources: [],
    params: redact(params),
    request: hash,
    decision,
    decidedBy,
    ...(note ? { note: redactText(note) } : {}),
    ...(decision === 'deny' ? { outcome: outcomeFor(decidedBy) } : {}),
  });
  const refused = (expired: boolean): JsonRpcResponse => {
    if (method === 'elicitation/create') return resultResponse(request.id, { action: expired ? 'cancel' : 'decline' });
    if (method === 'sampling/createMessage') {
      return errorResponse(request.id, ErrorCodes.SamplingRejected, expired ? 'User rejected sampling request (not approved in Airlock in time)' : 'User rejected sampling request');
    }
    return errorResponse(request.id, ErrorCodes.AirlockDenied, expired ? 'The roots request was not approved in Airlock in time.' : 'The user did not share roots with this server in Airlock.');
  };
  const decide = async (decision: 'allow' | 'deny', by: DecidedBy, note?: string): Promise<ServerRequestDecision> => {
    try {
      await core.audit.append(entry(decision, by, note)).durable;
    } catch (error) {
      if (!(error instanceof AuditUnavailable)) throw error;
      return { forward: false, response: refused(false) };
    }
    return decision === 'allow' ? { forward: true } : { forward: false, response: refused(by === 'timeout') };
  };

  if (!record || core.effective.revocationOf(server)) return decide('deny', 'revoke');
  if (core.effective.paused) return decide('deny', 'pause');
  const verdict = evaluatePolicy(core.effective.rules, server, method);
  if (verdict.action === 'deny') return decide('deny', 'rule', verdict.rule!.id);
  if (verdict.action === 'allow') return decide('allow', 'rule', verdict.rule!.id);
  if (session.sessionGrants.has(grantKey(method, method))) return decide('allow', 'session-grant');

  return new Promise((resolve) => {
    const timer = setTimeout(() => held.settle({ kind: 'deny', by: 'timeout' }), core.holdBudgetMs);
    const held: HeldCall = {
      item,
      sessionId: session.id,
      settle: (verdict: Verdict) => {
        if (core.queue.take(item.id) !== held) return;
        clearTimeout(timer);
        core.events.emit('pendingRemoved', { id: item.id, reason: verdict.kind === 'approve' ? 'approved' : verdict.by });
        core.emitStatus();
        resolve(verdict.kind === 'approve' ? decide('allow', 'person') : decide('deny', verdict.by, verdict.message));
      },
    };
    core.queue.add(held);
    core.events.emit('pendingAdded', item);
    core.emitStatus();
  });
}
