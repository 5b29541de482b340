import { z } from 'zod';
import type { Core } from '../core';
import { createHostToken, listHostTokens, revokeHostToken } from '../ingress/admin';

/**
 * Socket commands for remote servers and host tokens. Adding a remote server mirrors `add` for a
 * local one (definitions and calls are still gated); logout and token revocation only tighten;
 * `login-recorded` has the core record a login that `airlock login` completed, from the store
 * itself (the message carries nothing but the server's name); `token create` is justified in admin.ts.
 * There is no login verb: a login happens where a person is — the terminal or the window.
 */
export const remoteControlRequests = [
  z
    .object({
      airlock: z.literal('control'),
      v: z.literal(1),
      command: z.literal('add-remote'),
      name: z.string(),
      spec: z
        .object({
          url: z.string().max(4096),
          transport: z.enum(['http', 'sse']).optional(),
          headers: z.record(z.string(), z.string()),
          clientId: z.string().optional(),
          clientMetadataUrl: z.string().optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ airlock: z.literal('control'), v: z.literal(1), command: z.literal('logout'), server: z.string() }).strict(),
  z.object({ airlock: z.literal('control'), v: z.literal(1), command: z.literal('login-recorded'), server: z.string() }).strict(),
  z
    .object({
      airlock: z.literal('control'),
      v: z.literal(1),
      command: z.literal('token'),
      op: z.enum(['create', 'ls', 'revoke']),
      label: z.string().max(64).optional(),
    })
    .strict(),
] as const;

type RemoteControl = z.infer<(typeof remoteControlRequests)[number]>;

export async function runRemoteControl(core: Core, request: RemoteControl): Promise<unknown> {
  switch (request.command) {
    case 'add-remote':
      return core.addRemoteServer(request.name, request.spec, 'cli');
    case 'logout': {
      const record = core.settings.data.servers[request.server];
      if (!record || record.spec.transport === 'stdio') throw new Error(`no remote server named "${request.server}"`);
      return core.inBackground(core.remote.logout(record, 'cli'));
    }
    case 'login-recorded': {
      const record = core.settings.data.servers[request.server];
      if (!record || record.spec.transport === 'stdio') throw new Error(`no remote server named "${request.server}"`);
      // The record is built from the store, never from the message: a caller can only make the core say what is true.
      const a = core.remote.authority(record);
      if (!a.issuer || !a.scopes) throw new Error(`Airlock holds no login for "${request.server}"`);
      core.remote.recordLogin(
        request.server,
        { issuer: a.issuer, scopes: a.scopes, ...(a.clientId ? { clientId: a.clientId } : {}), ...(a.expiresAt ? { expiresAt: a.expiresAt } : {}), ...(a.account ? { account: a.account } : {}) },
        'cli',
      );
      return { ok: true };
    }
    case 'token':
      if (request.op === 'ls') return listHostTokens(core);
      if (!request.label) throw new Error('a label is required');
      return request.op === 'create' ? createHostToken(core, request.label, 'cli') : revokeHostToken(core, request.label, 'cli');
  }
}
