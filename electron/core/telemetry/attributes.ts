import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_RESOURCE_URI,
  ATTR_MCP_SESSION_ID,
  ATTR_NETWORK_TRANSPORT,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
} from '@opentelemetry/semantic-conventions/incubating';
import type { CallRecord, ResultRecord } from '../../../shared/history';
import { redact, redactText } from '../../../shared/secrets';

const MAX_ATTRIBUTE_CHARS = 8192;

function cap(text: string): string {
  return text.length > MAX_ATTRIBUTE_CHARS ? `${text.slice(0, MAX_ATTRIBUTE_CHARS)}…` : text;
}

/** `{mcp.method.name} {target}`, as the MCP semantic conventions name spans. */
export function spanName(call: CallRecord): string {
  return `${call.method} ${call.target}`;
}

/** The `error.type` a host would see: tool_error for isError results, the JSON-RPC code for errors. */
function errorType(call: CallRecord, result: ResultRecord | undefined): string | undefined {
  const outcome = result?.outcome ?? call.outcome;
  if (outcome === 'tool-error') return 'tool_error';
  if (outcome === 'rpc-error') return result?.errorCode !== undefined ? String(result.errorCode) : 'rpc_error';
  if (outcome === 'upstream-failed') return 'airlock.upstream_failed';
  return undefined;
}

/**
 * Span attributes for one call: the GenAI / MCP semantic conventions plus Airlock's own
 * (`airlock.*`). Everything that can carry a secret goes through redaction again here — records
 * are redacted when written, and nothing leaves the machine on trust in that alone.
 */
export function callAttributes(call: CallRecord, result: ResultRecord | undefined, includeArguments: boolean): Attributes {
  const attributes: Attributes = {
    [ATTR_MCP_METHOD_NAME]: call.method,
    [ATTR_MCP_SESSION_ID]: call.host.session,
    [ATTR_NETWORK_TRANSPORT]: call.host.transport === 'stdio' ? 'pipe' : 'tcp',
    'airlock.server': call.server,
    'airlock.decision': call.decision,
    'airlock.decided_by': call.decidedBy,
    'airlock.outcome': result?.outcome ?? call.outcome ?? 'pending',
    'airlock.resources': call.resources.map((r) => `${r.kind}:${redactText(r.resolved)}`),
    'airlock.host.name': call.host.name,
    'airlock.host.version': call.host.version,
    'airlock.call.id': call.call,
    'airlock.request.hash': call.request,
    'airlock.log.seq': call.seq,
  };
  if (call.method === 'tools/call') {
    attributes[ATTR_GEN_AI_OPERATION_NAME] = GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL;
    attributes[ATTR_GEN_AI_TOOL_NAME] = call.target;
  } else if (call.method === 'prompts/get') {
    attributes[ATTR_GEN_AI_PROMPT_NAME] = call.target;
  } else {
    attributes[ATTR_MCP_RESOURCE_URI] = redactText(call.target);
  }
  if (call.note) attributes['airlock.note'] = cap(redactText(call.note));
  if (result) {
    attributes['airlock.duration_ms'] = result.durationMs;
    if (result.bytes !== undefined) attributes['airlock.result.bytes'] = result.bytes;
  }
  const error = errorType(call, result);
  if (error) attributes[ATTR_ERROR_TYPE] = error;
  if (includeArguments) {
    attributes[ATTR_GEN_AI_TOOL_CALL_ARGUMENTS] = cap(JSON.stringify(redact(call.params ?? null)));
    if (result?.summary) attributes[ATTR_GEN_AI_TOOL_CALL_RESULT] = cap(redactText(result.summary));
  }
  return attributes;
}
