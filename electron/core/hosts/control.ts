/**
 * Host commands over the control socket, so the CLI changes hosts through the running core (which
 * owns settings and the secret store) or, when none runs, through an offline core. The inputs are
 * the contract's own schemas; like every control verb, none of them approves anything.
 */
import { z } from 'zod';
import { contract } from '../../../shared/contract';
import type { HostsService } from './service';

export const hostsControlOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('list'), input: contract.queries.hosts.input }).strict(),
  z.object({ op: z.literal('protect'), input: contract.commands.protectHost.input }).strict(),
  z.object({ op: z.literal('unprotect'), input: contract.commands.unprotectHost.input }).strict(),
  z.object({ op: z.literal('remove'), server: z.string().min(1).max(64) }).strict(),
]);
export type HostsControlOp = z.infer<typeof hostsControlOp>;

export function runHostsControl(hosts: HostsService, op: HostsControlOp, by: string): unknown {
  switch (op.op) {
    case 'list':
      return hosts.view(op.input.project ? [op.input.project] : []);
    case 'protect':
      return hosts.protect(op.input, by);
    case 'unprotect':
      return hosts.unprotect(op.input, by);
    case 'remove':
      return hosts.removeFromHosts(op.server, by);
  }
}
