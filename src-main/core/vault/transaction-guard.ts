import { AsyncLocalStorage } from 'node:async_hooks';

/** What one outermost vault transaction wrote, measured inside it just before it commits. */
export interface TransactionWrites {
  /** Audit events appended. */
  auditEvents: number;
  /** Rows inserted, updated or deleted (the audit events included). */
  rowChanges: number;
  /** The last audit event it appended, if any: what an answer after a failure names as recorded. */
  lastEvent?: { seq: number; action: string } | null;
}

/**
 * A check that the caller of a unit of work puts on every vault transaction
 * that work opens: dispatch holds one per operation, to see that a mutating
 * operation records its change with its audit event and a reading one writes
 * nothing. The guard follows the work through its awaits (AsyncLocalStorage),
 * so two operations running at once each see only their own transactions;
 * the measurements are taken inside the synchronous transaction, where no
 * other work can interleave.
 */
export interface TransactionGuard {
  /** Inside the transaction, after its work, before the commit: throwing rolls the whole transaction back. */
  beforeCommit(writes: TransactionWrites): void;
  /** Once the transaction has committed. */
  committed(writes: TransactionWrites): void;
}

const guards = new AsyncLocalStorage<TransactionGuard>();

/** Runs `work` (and everything it awaits) with `guard` on each vault transaction it opens. */
export function runGuarded<T>(guard: TransactionGuard, work: () => T): T {
  return guards.run(guard, work);
}

/** The guard of the work running now, if any. */
export function activeTransactionGuard(): TransactionGuard | undefined {
  return guards.getStore();
}
