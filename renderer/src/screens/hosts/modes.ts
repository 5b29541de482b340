/**
 * How a protected host reaches Airlock, in words a person chooses between. The wording is the one
 * docs/hosts.md uses: stdio keeps no secret in the host file; http puts the host's token there.
 */
import type { HostEntryView, HostId } from '../../../../shared/hosts';

export type ProtectMode = 'stdio' | 'http';

export const MODE_CHOICE: Record<ProtectMode, { title: string; detail: string }> = {
  stdio: { title: 'Through airlock connect', detail: 'stdio — the host file keeps no secret' },
  http: { title: 'Over HTTP to Airlock’s ingress', detail: 'the host file holds a per-host token' },
};

/** Short form, beside a protected entry or in a result. */
export const MODE_SHORT: Record<ProtectMode, string> = {
  stdio: 'via airlock connect',
  http: 'via HTTP ingress',
};

/**
 * Why a host cannot be protected over HTTP, or undefined when it can. The core refuses the same
 * hosts (protect.ts: hosts without an HTTP entry shape); the window says so before anyone clicks.
 */
export function httpRefusal(host: HostId, hostName: string): string | undefined {
  return host === 'claude-desktop'
    ? `${hostName} reads only stdio servers from its config file, so it cannot reach Airlock over HTTP; the airlock connect wrapper works there.`
    : undefined;
}

/** How Airlock reaches a server of this transport, for a person. */
export function transportLabel(transport: HostEntryView['transport']): string {
  return transport === 'stdio' ? 'local' : transport === 'sse' ? 'remote · SSE' : 'remote · Streamable HTTP';
}

/** The ingress URL of one Airlock server, from the template the core returns (`…/mcp/<server>`); names are URL-safe. */
export function ingressUrlFor(template: string, airlockName: string): string {
  return template.replace('<server>', airlockName);
}
