import type { Core } from '../core';
import { DEFAULT_INGRESS_PORT, startIngress, type Ingress } from './server';

/** The ingress port: the flag, else AIRLOCK_INGRESS_PORT, else the stable default hosts are configured with. */
export function ingressPort(flag: number | undefined, env: NodeJS.ProcessEnv = process.env): number {
  if (flag !== undefined) return flag;
  const fromEnv = Number.parseInt(env.AIRLOCK_INGRESS_PORT ?? '', 10);
  return Number.isSafeInteger(fromEnv) && fromEnv >= 0 && fromEnv <= 65535 ? fromEnv : DEFAULT_INGRESS_PORT;
}

/**
 * Starts the HTTP ingress beside the approval window (`airlock serve`, the desktop app). A busy port
 * is reported, not fatal: stdio hosts keep working through `airlock connect`.
 */
export async function startIngressIfWanted(core: Core, port: number | false | undefined, warn: (line: string) => void): Promise<Ingress | undefined> {
  if (port === false) return undefined;
  try {
    return await startIngress(core, { port: ingressPort(port) });
  } catch (error) {
    warn(`Airlock's HTTP ingress could not start (${(error as Error).message}); hosts that use HTTP cannot connect until it can.`);
    return undefined;
  }
}
