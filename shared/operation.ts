/**
 * Operation class of a call: read / write / destructive / unknown. The server's annotations are
 * only a claim; Airlock reads the tool name and the arguments too and shows the more dangerous
 * of the two readings.
 */
import type { OperationAssessment, OperationClass, ResourceRef } from './types';

const RANK: Record<OperationClass, number> = { unknown: 0, read: 1, write: 2, destructive: 3 };

export function claimedOperation(annotations: Record<string, unknown> | undefined): OperationClass {
  if (!annotations) return 'unknown';
  const readOnly = annotations.readOnlyHint;
  const destructive = annotations.destructiveHint;
  if (readOnly === true) return 'read';
  if (readOnly === undefined && destructive === undefined) return 'unknown';
  // Spec defaults: readOnlyHint false, destructiveHint true.
  return destructive === false ? 'write' : 'destructive';
}

const DESTRUCTIVE_VERBS = /(?:^|[_\-.\s]|(?<=[a-z])(?=[A-Z]))(?:delete|remove|rm|drop|destroy|purge|erase|wipe|truncate|kill|terminate|reset|revoke|overwrite|force|uninstall|unlink|format)(?=$|[_\-.\sA-Z])/i;
const WRITE_VERBS = /(?:^|[_\-.\s]|(?<=[a-z])(?=[A-Z]))(?:write|create|update|set|edit|modify|move|rename|send|post|push|publish|upload|add|insert|put|patch|append|merge|commit|deploy|execute|exec|run|install|save|copy|mkdir|make|apply|trigger|toggle|invite|share|transfer|pay|approve)(?=$|[_\-.\sA-Z])/i;
const READ_VERBS = /(?:^|[_\-.\s]|(?<=[a-z])(?=[A-Z]))(?:read|get|list|search|find|fetch|query|show|describe|view|lookup|look|open|inspect|stat|count|head|tail|echo|check|download|browse|resolve|summari[sz]e|analy[sz]e)(?=$|[_\-.\sA-Z])/i;

const SQL_DESTRUCTIVE = /\b(?:delete\s+from|drop\s+(?:table|database|schema|index|view)|truncate|alter\s+table)\b/i;
const SQL_WRITE = /\b(?:insert\s+into|update\s+\S+\s+set|create\s+(?:table|index|view)|merge\s+into|grant|replace\s+into|upsert)\b/i;
const SHELL_DESTRUCTIVE = /(?:^|[\s;&|])(?:rm\s+-[a-z]*[rf]|rm\s|rmdir|mkfs|dd\s+if=|shred|git\s+(?:push\s+(?:-f|--force)|reset\s+--hard|clean\s+-[a-z]*f)|drop\s+database|chmod\s+-R|chown\s+-R|>\s*\/dev\/sd)/i;

function max(a: OperationClass, b: OperationClass): OperationClass {
  return RANK[a] >= RANK[b] ? a : b;
}

const HTTP_METHOD_KEY = /^(?:method|http_?method|verb)$/i;
const HTTP_CLASS: Record<string, OperationClass> = { GET: 'read', HEAD: 'read', OPTIONS: 'read', POST: 'write', PUT: 'write', PATCH: 'write', DELETE: 'destructive' };

/** An HTTP method among the top-level arguments says more about a generic request tool than its name. */
function httpMethodOf(args: unknown): string | undefined {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return undefined;
  for (const [key, value] of Object.entries(args)) {
    if (HTTP_METHOD_KEY.test(key) && typeof value === 'string' && HTTP_CLASS[value.toUpperCase()]) return value.toUpperCase();
  }
  return undefined;
}

export function assessOperation(
  toolName: string,
  annotations: Record<string, unknown> | undefined,
  resources: ResourceRef[],
  args?: unknown,
): OperationAssessment {
  const claimed = claimedOperation(annotations);
  const reasons: string[] = [];
  let assessed: OperationClass = 'unknown';

  if (DESTRUCTIVE_VERBS.test(toolName)) {
    assessed = 'destructive';
    reasons.push(`the tool name “${toolName}” reads as destructive`);
  } else if (WRITE_VERBS.test(toolName)) {
    assessed = 'write';
    reasons.push(`the tool name “${toolName}” reads as a change`);
  } else if (READ_VERBS.test(toolName)) {
    assessed = 'read';
    reasons.push(`the tool name “${toolName}” reads as a lookup`);
  }

  const httpMethod = httpMethodOf(args);
  if (httpMethod) {
    assessed = max(assessed, HTTP_CLASS[httpMethod]!);
    reasons.push(`it sends an HTTP ${httpMethod}`);
  }

  for (const resource of resources) {
    if (resource.kind === 'sql') {
      if (SQL_DESTRUCTIVE.test(resource.resolved)) {
        assessed = max(assessed, 'destructive');
        reasons.push('the SQL deletes or drops data');
      } else if (SQL_WRITE.test(resource.resolved)) {
        assessed = max(assessed, 'write');
        reasons.push('the SQL changes data');
      } else assessed = max(assessed, 'read');
    } else if (resource.kind === 'command') {
      if (SHELL_DESTRUCTIVE.test(resource.resolved)) {
        assessed = max(assessed, 'destructive');
        reasons.push('the shell command deletes or force-overwrites');
      } else {
        assessed = max(assessed, 'write');
        reasons.push('it runs a shell command');
      }
    } else if (resource.kind === 'email' && assessed !== 'destructive') {
      assessed = max(assessed, 'write');
      reasons.push('it addresses e-mail recipients');
    }
  }

  if (claimed !== 'unknown') reasons.unshift(`the server claims ${claimed}`);
  if (claimed !== 'unknown' && assessed !== 'unknown' && RANK[assessed] > RANK[claimed]) {
    reasons.push(`Airlock's reading (${assessed}) is more dangerous than the server's claim (${claimed})`);
  }
  return { claimed, assessed, effective: max(claimed, assessed), reasons };
}
