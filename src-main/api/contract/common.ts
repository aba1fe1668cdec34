import { z } from 'zod';
import type { ErrorCode } from '../../core/errors.ts';

/**
 * What crosses the api boundary: plain data only (strings, numbers, ISO dates,
 * PEM). Never private keys, never the vault key, never a passphrase in a result.
 */
export type ApiResponse<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/**
 * What a mutating operation writes when it is not the usual one transaction
 * with one audit event. Ranges are [least, most], both included.
 */
export interface WriteSpec {
  /** Audit events each of its transactions appends. Default [1, 1]. */
  events?: readonly [number, number];
  /** Transactions that commit when it succeeds. Default [1, 1]. */
  transactions?: readonly [number, number];
}

export interface OperationOptions {
  /**
   * What it writes to the vault, and dispatch checks it (api/write-check.ts):
   * false — nothing at all; true — one transaction with one audit event; or a
   * WriteSpec. A transaction that breaks the declaration is rolled back and
   * the operation fails with INTERNAL.
   */
  mutates: boolean | WriteSpec;
  /** Needs an unlocked vault: its handler gets a VaultContext (api/service/context.ts), else a VaultlessContext. */
  needsUnlock: boolean;
  /**
   * Works on one CA of the vault (only with needsUnlock): the input gains an optional `ca` (the CA's
   * name), and dispatch hands the handler that CA's stores. 'one': with several CAs and none named
   * the operation is refused (CA_REQUIRED); 'oneOrAll': it then sees every CA.
   */
  ca?: CaScope;
}

export type CaScope = 'one' | 'oneOrAll';

/** A CA's name as --ca gives it. */
export const caName = z.string().trim().min(1, 'name the CA').max(100);

/** The input schema of an operation that works on one CA: its own fields and `ca`. */
export type WithCa<I extends z.ZodType, O extends OperationOptions> = O extends { ca: CaScope }
  ? I extends z.ZodObject<infer S, infer C>
    ? z.ZodObject<S & { ca: z.ZodOptional<typeof caName> }, C>
    : never
  : I;

export interface Operation<I extends z.ZodType, R, O extends OperationOptions = OperationOptions> {
  input: I;
  mutates: O['mutates'];
  needsUnlock: O['needsUnlock'];
  ca: O['ca'];
  /** Type-level only: the result type. */
  readonly _result?: R;
}

/** The options keep their literal types, so the handler's context follows from `needsUnlock`. */
export function op<R>() {
  return <I extends z.ZodType, const O extends OperationOptions>(input: I, opts: O): Operation<WithCa<I, O>, R, O> => ({
    input: (opts.ca ? (input as unknown as z.ZodObject).extend({ ca: caName.optional() }) : input) as WithCa<I, O>,
    mutates: opts.mutates,
    needsUnlock: opts.needsUnlock,
    ca: opts.ca,
  });
}

export const empty = z.strictObject({});
export const actorName = z.string().trim().min(1, 'an actor name is required').max(100);
export const witnessList = z.array(z.string().trim().min(1).max(100)).max(20);
export const filePath = z.string().min(1, 'a file path is required').max(4096);
/** A custodian share file's text, labelled (its file name) so a refusal names it. */
export const shareInput = z.strictObject({ label: z.string().min(1).max(200), content: z.string().min(1).max(16 * 1024) });
/** Custodian shares presented as the witnesses of a step (at most a quorum's 255). */
export const witnessShareList = z.array(shareInput).min(1, 'give at least one custodian share').max(255);

/** Long work (batch issuance, big CRLs, exports) reports progress to the UI through this event. */
export interface ProgressEvent {
  operation: string;
  done: number;
  total: number;
  /** What is being worked on now (a file name), when useful. */
  item?: string;
}
