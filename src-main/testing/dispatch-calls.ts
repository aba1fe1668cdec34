/**
 * Calls through the real dispatch (zod-checked input, the api's answer shape)
 * for api tests: `ok` returns the value or fails the test with the refusal's
 * code and message; `refused` returns the refusal or fails when it went through.
 */
import type { OpName, OpResult } from '../api/contract.ts';
import { dispatch } from '../api/dispatch.ts';
import type { Service } from '../api/service.ts';

export interface DispatchCalls {
  ok<N extends OpName>(name: N, input: unknown): Promise<OpResult<N>>;
  refused(name: OpName, input: unknown): Promise<{ code: string; message: string }>;
}

/** `service()` is read at each call, so a test may replace the service (a restart) between calls. */
export function dispatchCalls(service: () => Service): DispatchCalls {
  return {
    async ok<N extends OpName>(name: N, input: unknown): Promise<OpResult<N>> {
      const r = await dispatch(service(), name, input);
      if (!r.ok) throw new Error(`${name}: ${r.code} ${r.message}`);
      return r.value as OpResult<N>;
    },
    async refused(name: OpName, input: unknown): Promise<{ code: string; message: string }> {
      const r = await dispatch(service(), name, input);
      if (r.ok) throw new Error(`${name} was expected to be refused`);
      return r;
    },
  };
}
