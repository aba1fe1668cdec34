import type { ApiResponse, OpInput, OpName, OpResult } from '../../src-main/api/contract.ts';

export type ApiFailure = Extract<ApiResponse<unknown>, { ok: false }>;

/**
 * Calls one contract operation through window.airgap. Always answers an
 * ApiResponse: a transport failure (the main process went away) becomes an
 * INTERNAL failure with a message an officer can act on.
 */
export async function call<N extends OpName>(name: N, input: OpInput<N>): Promise<ApiResponse<OpResult<N>>> {
  const fn = window.airgap[name] as unknown as (i: OpInput<N>) => Promise<ApiResponse<OpResult<N>>>;
  try {
    return await fn(input);
  } catch {
    return { ok: false, code: 'INTERNAL', message: 'The window lost contact with the vault service. Close Airgap CA and start it again; nothing was changed.' };
  }
}
