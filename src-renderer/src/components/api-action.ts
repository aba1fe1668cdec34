import { useCallback, useMemo, useState } from 'react';
import type { ApiResponse, ErrorCode, OpInput, OpName, OpResult } from '../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../api.ts';

/**
 * One api call at a time as a screen shows it: busy while it runs, the last
 * refusal until the next call (or until cleared). Forms and wizards call the
 * api through this, so the busy/refusal bookkeeping is written once.
 */
export interface ApiAction {
  /** True while a call (or a `busyWhile` sequence) runs; buttons that start one are disabled meanwhile. */
  busy: boolean;
  error: ApiFailure | null;
  setError(error: ApiFailure | null): void;
  /**
   * Calls one operation: clears the shown refusal, is busy while it runs,
   * keeps a refusal to show (unless its code is one the caller handles itself).
   */
  run<N extends OpName>(op: N, input: OpInput<N>, options?: { handles?: readonly ErrorCode[] }): Promise<ApiResponse<OpResult<N>>>;
  /** Busy for the whole of a sequence of calls, so no button comes back between them. */
  busyWhile<T>(work: () => Promise<T>): Promise<T>;
}

export function useApiAction(): ApiAction {
  // A count, not a flag: reads started together stay busy until the last one answers.
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<ApiFailure | null>(null);
  const busyWhile = useCallback(async <T>(work: () => Promise<T>): Promise<T> => {
    setPending((n) => n + 1);
    try {
      return await work();
    } finally {
      setPending((n) => n - 1);
    }
  }, []);
  const run = useCallback(
    async <N extends OpName>(op: N, input: OpInput<N>, options?: { handles?: readonly ErrorCode[] }): Promise<ApiResponse<OpResult<N>>> => {
      setError(null);
      const r = await busyWhile(() => call(op, input));
      if (!r.ok && !options?.handles?.includes(r.code)) setError(r);
      return r;
    },
    [busyWhile],
  );
  return useMemo(() => ({ busy: pending > 0, error, setError, run, busyWhile }), [pending, error, run, busyWhile]);
}
