import { z } from 'zod';
import { DomainError, isDomainError } from '../core/errors.ts';
import { contract, type ApiResponse, type OpName } from './contract.ts';
import { runGuarded } from '../core/vault/transaction-guard.ts';
import { runInCaScope } from '../core/audit/audit-scope.ts';
import type { CaScope } from './contract/common.ts';
import type { Service } from './service.ts';
import { vaultContext, vaultlessContext, type VaultContext, type VaultlessContext } from './service/context.ts';
import { WriteCheck } from './write-check.ts';

function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

function describeZodError(e: z.ZodError): string {
  const issue = e.issues[0];
  if (!issue) return 'The request is not valid.';
  const field = issue.path.length ? issue.path.join('.') : 'the request';
  return `Invalid ${field}: ${issue.message}.`;
}

/**
 * The one path into the service: validate the input against the operation's
 * schema, hand its handler a context (the open vault and its stores for an
 * operation that needs them), check what it writes against its `mutates`
 * (write-check.ts), and map every failure to { code, message }.
 * Unknown failures become INTERNAL; their detail goes to the log, never to
 * the caller.
 */
export async function dispatch(service: Service, name: string, rawInput: unknown): Promise<ApiResponse<unknown>> {
  const { session, handlers } = service;
  try {
    if (!isOpName(name)) throw new DomainError('INVALID_INPUT', `There is no operation named "${name}".`);
    const op = contract[name];
    const parsed = op.input.safeParse(rawInput ?? {});
    if (!parsed.success) throw new DomainError('INVALID_INPUT', describeZodError(parsed.error));
    session.checkIdle();
    // Built after the idle check: a locked vault refuses a needsUnlock operation here, with the reason.
    // An operation of one CA gets that CA's stores: an unknown or missing --ca is refused here (CA_NOT_FOUND, CA_REQUIRED).
    const scope = (op as { ca?: CaScope }).ca;
    const ctx = op.needsUnlock ? vaultContext(session, scope, scope ? (parsed.data as { ca?: string }).ca : undefined) : vaultlessContext(session);
    const handler = handlers[name] as (input: unknown, ctx: VaultContext | VaultlessContext) => unknown;
    // Every vault transaction the handler opens is checked against the operation's `mutates`.
    const writes = new WriteCheck(name, op.mutates);
    // Every audit event of a CA's operation names the CA.
    const ca = ctx.vault ? (ctx as VaultContext).ca : null;
    const run = () => handler(parsed.data, ctx);
    let value: unknown;
    try {
      value = await runGuarded(writes, () => (ca ? runInCaScope(ca.name, run) : run()));
    } catch (e) {
      writes.settle(false);
      throw e;
    }
    writes.settle(true);
    if (op.needsUnlock) session.touch();
    return { ok: true, value };
  } catch (e) {
    if (isDomainError(e)) {
      if (e.code === 'INTERNAL' && e.detail) session.logger.error(`${name}: ${e.message}`, e.detail);
      return { ok: false, code: e.code, message: e.message };
    }
    const err = e as NodeJS.ErrnoException;
    if (err && typeof err.code === 'string' && ['ENOSPC', 'EACCES', 'EROFS', 'EPERM', 'ENOENT', 'EEXIST', 'EIO'].includes(err.code)) {
      const message = err.code === 'EEXIST' ? `${err.path ?? 'The output'} already exists; outputs are never overwritten. Choose a new name.` : `The file operation failed (${err.code}${err.path ? ` on ${err.path}` : ''}). Check the path, the free space and the permissions, then try again.`;
      return { ok: false, code: err.code === 'EEXIST' ? 'OUTPUT_EXISTS' : 'IO_ERROR', message };
    }
    session.logger.error(`${name}: unexpected failure`, e instanceof Error ? (e.stack ?? e.message) : String(e));
    return { ok: false, code: 'INTERNAL', message: 'Airgap CA hit an internal error; nothing was changed by the failed step. The details are in the log.' };
  }
}
