import type { ApiClient, EventName, EventPayload, InputOf, OperationName, OutputOf } from '../../../shared/contract';
import type { AirlockBridge } from '../../../electron/shell/contract-ipc';
import { ApiCallError } from './ws-client';

/** The contract over the Electron preload bridge: each operation is its own named function. */
export function bridgeApi(bridge: AirlockBridge): ApiClient {
  return {
    async call<N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> {
      const fn = bridge[name] as unknown as (input: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { code: never; message: string } }>;
      const result = await fn(input);
      if (result.ok) return result.value as OutputOf<N>;
      throw new ApiCallError(result.error ?? { code: 'internal', message: 'unknown error' });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const key = `on${event[0]!.toUpperCase()}${event.slice(1)}` as keyof AirlockBridge;
      const subscribe = bridge[key] as unknown as (listener: (payload: EventPayload<E>) => void) => () => void;
      return subscribe(listener);
    },
  };
}
