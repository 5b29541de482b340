/**
 * What a Protect / Unprotect did, in sentences a person reads once. The core's results say which
 * entries changed and how (mode, transport, header names); what they do not carry — a remote
 * entry's URL, what an Airlock server connects to — comes from the views the window already has.
 */
import type { HostEntryView, ProtectHostResult, UnprotectHostResult } from '../../../shared/hosts';
import type { ServerSpec } from '../../../shared/types';
import { ingressUrlFor, MODE_CHOICE, type ProtectMode } from '../screens/hosts/modes';

/** A labelled fact of the outcome (mode, ingress, where the token is). */
export interface OutcomeFact {
  label: string;
  value: string;
  /** A URL or a name: shown in the code font. */
  code?: boolean;
}

export interface HostOutcome {
  tone: 'ok' | 'error';
  title: string;
  /** How the host reaches Airlock now (protect only). */
  facts?: OutcomeFact[];
  /** Something the person must know about the host file (http mode: it holds a secret). */
  caution?: string;
  lines: string[];
}

/** What the window knew before the command: the entry as it was, and Airlock's servers. */
export interface SummaryContext {
  entry(file: string, key: string): HostEntryView | undefined;
  server(airlockName: string): ServerSpec | undefined;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const list = (names: readonly string[]) => names.join(', ');
const over = (transport: 'http' | 'sse') => (transport === 'sse' ? 'SSE' : 'Streamable HTTP');

export function protectedSummary(result: ProtectHostResult, hostName: string, requested: ProtectMode, ctx: SummaryContext): HostOutcome {
  const ingress = result.ingress;
  const lines: string[] = [];
  for (const p of result.protected) {
    const via = p.mode === 'http' && ingress ? `connects to Airlock’s HTTP ingress at ${ingressUrlFor(ingress.url, p.airlockName)}` : `launches airlock connect ${p.airlockName}`;
    if (p.transport === 'stdio') {
      lines.push(`"${p.key}" now ${via}${p.reused ? ' (an Airlock server with the same launch already existed, reused)' : ''}.`);
    } else {
      const url = ctx.entry(p.file, p.key)?.url;
      const reaches = `Airlock connects to ${url ?? 'the remote server'} over ${over(p.transport)}`;
      lines.push(`"${p.key}" now ${via}; ${reaches}${p.reused ? ' (an Airlock server for the same remote server already existed, reused)' : ''}.`);
    }
    if (p.secretEnvNames.length) lines.push(`Secret-looking variables of "${p.key}" moved to Airlock’s encrypted store: ${list(p.secretEnvNames)}.`);
    if (p.headerNames.length) lines.push(`${p.headerNames.length === 1 ? 'Header' : 'Headers'} of "${p.key}" moved to Airlock’s encrypted store: ${list(p.headerNames)}.`);
    if (p.transport !== 'stdio' && !p.reused && !p.headerNames.some((h) => h.toLowerCase() === 'authorization')) {
      lines.push(`If "${p.key}"’s server asks for a login, Airlock logs in, not ${hostName}: Servers → ${p.airlockName} → Log in.`);
    }
  }
  for (const a of result.alreadyProtected) {
    const how = a.mode === 'http' ? 'over HTTP to Airlock’s ingress' : `airlock connect ${a.airlockName}`;
    const other = a.mode !== requested ? ` To switch it to ${requested === 'http' ? 'HTTP' : 'airlock connect'}, unprotect it first, then protect it again.` : '';
    lines.push(`"${a.key}" was already protected (${how}).${other}`);
  }
  for (const s of result.skipped) lines.push(`"${s.key}" left as it is: ${s.reason}`);
  for (const f of result.files) lines.push(`Wrote ${f.file}; backup beside it: ${f.backup}`);
  if (result.protected.length > 0) lines.push(`Restart ${hostName} (or reload its MCP servers) for the change to take effect.`);

  const done = result.protected.length > 0;
  const mode = result.protected[0]?.mode ?? requested;
  const title = done
    ? `Protected ${plural(result.protected.length, 'server')} of ${hostName}${mode === 'http' ? ' over HTTP' : ''}.`
    : result.alreadyProtected.length > 0 && result.skipped.length === 0
      ? `Nothing to change: ${hostName}’s servers are already protected.`
      : `Nothing was protected in ${hostName}.`;
  if (!done) return { tone: 'ok', title, lines };

  const facts: OutcomeFact[] = [{ label: 'mode', value: mode === 'http' ? MODE_CHOICE.http.title : `${MODE_CHOICE.stdio.title} (stdio)` }];
  let caution: string | undefined;
  if (mode === 'http' && ingress) {
    facts.push({ label: 'ingress', value: ingress.url, code: true });
    facts.push({ label: 'host token', value: `"${ingress.tokenLabel}"${ingress.tokenCreated ? ', created now' : ''} — in the host file, in each entry’s Authorization header` });
    caution =
      `The host file now holds a secret: the host token. It lets ${hostName} connect to Airlock and approves nothing — every call still stops here — ` +
      `but anyone who can read the file can connect as ${hostName}. Unprotect revokes it once no entry uses it.` +
      (ingress.running ? '' : ` Airlock’s HTTP ingress is not listening right now; ${hostName} can connect once it is.`);
  } else {
    facts.push({ label: 'host file', value: 'keeps no secret: Airlock holds the servers’ secrets (variable values, headers), encrypted' });
  }
  return { tone: 'ok', title, facts, ...(caution ? { caution } : {}), lines };
}

export function unprotectedSummary(result: UnprotectHostResult, hostName: string, ctx: SummaryContext): HostOutcome {
  const lines: string[] = [];
  for (const r of result.restored) {
    const spec = ctx.server(r.airlockName);
    const kept = `Airlock server ${r.airlockName} is kept, with its rules`;
    if (spec?.transport === 'stdio') lines.push(`"${r.key}" launches its original command again, not through Airlock (${kept}).`);
    else if (spec) {
      const headers = spec.headerNames.length ? `; its original ${spec.headerNames.length === 1 ? 'header' : 'headers'} (${list(spec.headerNames)}) ${spec.headerNames.length === 1 ? 'is' : 'are'} in the host file again` : '';
      lines.push(`"${r.key}" connects to its original URL again, ${spec.url}, not through Airlock${headers} (${kept}).`);
    } else lines.push(`"${r.key}" is its original entry again, not through Airlock (${kept}).`);
  }
  for (const s of result.skipped) lines.push(`"${s.key}" left as it is: ${s.reason}`);
  for (const f of result.files) {
    lines.push(
      f.exact
        ? `${f.file} is byte-identical to before Airlock changed it; backup beside it: ${f.backup}`
        : `${f.file}: Airlock's entries were reverted and other changes made meanwhile kept; backup beside it: ${f.backup}`,
    );
  }
  for (const label of result.revokedTokens ?? []) lines.push(`Revoked the host token "${label}": no protected entry uses it any more.`);
  const title = result.restored.length > 0 ? `Unprotected ${plural(result.restored.length, 'server')} of ${hostName}.` : `Nothing was restored in ${hostName}.`;
  return { tone: 'ok', title, lines };
}
