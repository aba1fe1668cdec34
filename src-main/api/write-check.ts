import { DomainError } from '../core/errors.ts';
import type { TransactionGuard, TransactionWrites } from '../core/vault/transaction-guard.ts';
import type { WriteSpec } from './contract/common.ts';

type Range = readonly [number, number];

const NOTHING_CHANGED = 'Airgap CA hit an internal error; nothing was changed by the failed step. The details are in the log.';

function within(n: number, [least, most]: Range): boolean {
  return n >= least && n <= most;
}

function rangeText([least, most]: Range): string {
  return least === most ? String(least) : `${least} to ${most}`;
}

/**
 * Dispatch's check of what one operation writes, against its `mutates`
 * (docs/architecture.md, "How dispatch works today"). As the guard of every
 * vault transaction the handler opens, it refuses — so SQLite rolls it back —
 * a transaction of a non-mutating operation that changes any row, and one of
 * a mutating operation that changes rows with a number of audit events other
 * than declared. When the handler is done, `settle` fails the operation with
 * INTERNAL if a transaction was refused (even if the handler caught that), or
 * if a mutating operation that succeeded committed a number of transactions
 * other than declared (none: it changed nothing, or changed it without the
 * vault's transaction).
 */
export class WriteCheck implements TransactionGuard {
  private readonly operation: string;
  private readonly rule: { events: Range; transactions: Range } | null;
  private committedCount = 0;
  private refused: string | null = null;
  private readonly recorded: Array<{ seq: number; action: string }> = [];

  constructor(operation: string, mutates: boolean | WriteSpec) {
    this.operation = operation;
    this.rule = mutates === false ? null : { events: (mutates === true ? undefined : mutates.events) ?? [1, 1], transactions: (mutates === true ? undefined : mutates.transactions) ?? [1, 1] };
  }

  beforeCommit(w: TransactionWrites): void {
    if (w.rowChanges === 0) return;
    let problem: string | null = null;
    if (!this.rule) problem = `${this.operation} is declared not to change the vault, but a transaction changed ${w.rowChanges} row(s) (${w.auditEvents} audit event(s))`;
    else if (!within(w.auditEvents, this.rule.events)) {
      problem = `${this.operation} declares ${rangeText(this.rule.events)} audit event(s) per transaction, but a transaction changed ${w.rowChanges} row(s) with ${w.auditEvents}`;
    }
    if (problem) {
      this.refused ??= problem;
      throw new DomainError('INTERNAL', NOTHING_CHANGED, `${problem}; the transaction was rolled back`);
    }
  }

  committed(w: TransactionWrites): void {
    if (w.rowChanges > 0) this.committedCount += 1;
    if (w.lastEvent) this.recorded.push(w.lastEvent);
  }

  /** The audit events of the transactions that committed so far (the last of each): what a failure must not call unchanged. */
  get committedEvents(): ReadonlyArray<{ seq: number; action: string }> {
    return this.recorded;
  }

  /** After the handler; `succeeded`: it returned a result. Throws INTERNAL when the operation broke its declaration. */
  settle(succeeded: boolean): void {
    if (this.refused) throw new DomainError('INTERNAL', NOTHING_CHANGED, `${this.refused}; the transaction was rolled back`);
    if (!succeeded || !this.rule || within(this.committedCount, this.rule.transactions)) return;
    const problem = `${this.operation} declares ${rangeText(this.rule.transactions)} committed transaction(s), but ${this.committedCount} committed`;
    if (this.committedCount === 0) throw new DomainError('INTERNAL', NOTHING_CHANGED, `${problem}: it recorded no change and no audit event`);
    throw new DomainError('INTERNAL', 'Airgap CA hit an internal error after recording its changes; the audit log shows each of them. The details are in the log.', problem);
  }
}
