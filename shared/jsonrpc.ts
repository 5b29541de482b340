/**
 * JSON-RPC 2.0 message shapes as Airlock sees them on the wire.
 *
 * Classification is structural and deliberately loose about extra fields: the bridge forwards
 * messages it does not govern untouched, so unknown top-level keys must survive. The SDK's own
 * envelope schemas are `.strict()` and would reject them.
 */

export type RequestId = string | number;
export type JsonObject = { [key: string]: unknown };

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: JsonObject;
  [extra: string]: unknown;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: JsonObject;
  [extra: string]: unknown;
}

export interface JsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}

export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: RequestId | null;
  result?: JsonObject;
  error?: JsonRpcError;
  [extra: string]: unknown;
}

export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

export type Classified =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'response'; message: JsonRpcResponse }
  | { kind: 'invalid'; reason: string; id: RequestId | null };

/** Standard JSON-RPC codes plus Airlock's own, chosen in the implementation-defined range the SDK leaves free. */
export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** A person, a rule, pause or revocation refused this request in Airlock. */
  AirlockDenied: -32010,
  /** Airlock cannot serve this session: the core is not running, or the server is unknown or revoked. */
  AirlockUnavailable: -32011,
  /** The upstream server failed (crashed, sent something Airlock could not accept) while handling this request. */
  AirlockUpstreamFailed: -32012,
  /** The tool or definition is withheld until a person approves it in Airlock. */
  AirlockWithheld: -32013,
  /** The sampling request was rejected (the spec's code for a user rejection). */
  SamplingRejected: -1,
} as const;

export function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sorts a parsed JSON value into request / notification / response, or says why it is none of them. */
export function classify(value: unknown): Classified {
  if (Array.isArray(value)) {
    return { kind: 'invalid', reason: 'JSON-RPC batches are not supported (removed in MCP 2025-06-18)', id: null };
  }
  if (!isPlainObject(value)) return { kind: 'invalid', reason: 'a JSON-RPC message must be a JSON object', id: null };
  const id = isRequestId(value.id) ? value.id : null;
  if (value.jsonrpc !== '2.0') return { kind: 'invalid', reason: 'missing or wrong "jsonrpc" (must be "2.0")', id };
  if ('params' in value && value.params !== undefined && !isPlainObject(value.params)) {
    return { kind: 'invalid', reason: '"params" must be an object', id };
  }
  if ('method' in value) {
    if (typeof value.method !== 'string' || value.method.length === 0) {
      return { kind: 'invalid', reason: '"method" must be a non-empty string', id };
    }
    if ('result' in value || 'error' in value) {
      return { kind: 'invalid', reason: 'a message cannot carry both "method" and "result"/"error"', id };
    }
    if (!('id' in value)) return { kind: 'notification', message: value as JsonRpcNotification };
    if (id === null) return { kind: 'invalid', reason: '"id" must be a string or an integer', id: null };
    return { kind: 'request', message: value as JsonRpcRequest };
  }
  const hasResult = 'result' in value;
  const hasError = 'error' in value;
  if (hasResult === hasError) {
    return { kind: 'invalid', reason: 'a message needs "method", or exactly one of "result" and "error"', id };
  }
  if (!('id' in value) || (value.id !== null && id === null)) {
    return { kind: 'invalid', reason: 'a response needs a string or integer "id"', id: null };
  }
  if (hasResult && !isPlainObject(value.result)) return { kind: 'invalid', reason: '"result" must be an object', id };
  if (hasError) {
    const error = value.error;
    if (!isPlainObject(error) || typeof error.code !== 'number' || typeof error.message !== 'string') {
      return { kind: 'invalid', reason: '"error" must have a numeric "code" and a string "message"', id };
    }
  }
  return { kind: 'response', message: value as JsonRpcResponse };
}

export function errorResponse(id: RequestId | null, code: number, message: string, data?: unknown): JsonRpcResponse {
  const error: JsonRpcError = data === undefined ? { code, message } : { code, message, data };
  return { jsonrpc: '2.0', id, error };
}

export function resultResponse(id: RequestId, result: JsonObject): JsonRpcResponse {
  return { jsonrpc: '2.0', id, result };
}

export function progressTokenOf(message: { params?: JsonObject }): string | number | undefined {
  const meta = message.params?._meta;
  if (!isPlainObject(meta)) return undefined;
  const token = meta.progressToken;
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}

export { isPlainObject };
