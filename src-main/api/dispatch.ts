import { z } from 'zod';
import { join } from 'node:path';
import { DomainError, isDomainError } from '../core/errors.ts';
import { ioError, isIoFailure } from '../core/fs/io-errors.ts';
import { DATABASE_FILE } from '../core/vault/header.ts';
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
  let writes: WriteCheck | undefined;
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
    const check = new WriteCheck(name, op.mutates);
    writes = check;
    // Every audit event of a CA's operation names the CA.
    const ca = ctx.vault ? (ctx as VaultContext).ca : null;
    const run = () => handler(parsed.data, ctx);
    let value: unknown;
    try {
      value = await runGuarded(check, () => (ca ? runInCaScope(ca.name, run) : run()));
    } catch (e) {
      check.settle(false);
      throw e;
    }
    check.settle(true);
    if (op.needsUnlock) session.touch();
    return { ok: true, value };
  } catch (e) {
    const recorded = writes?.committedEvents ?? [];
    if (isDomainError(e)) {
      if (e.detail && (e.code === 'INTERNAL' || isIoCode(e.code))) session.logger.error(`${name}: ${e.message}`, e.detail);
      return { ok: false, code: e.code, message: withRecorded(e.message, recorded) };
    }
    const err = e as NodeJS.ErrnoException;
    if (err && err.code === 'EEXIST') return { ok: false, code: 'OUTPUT_EXISTS', message: withRecorded(`${err.path ?? 'The output'} already exists; outputs are never overwritten. Choose a new name.`, recorded) };
    if (isIoFailure(e)) {
      const io = ioError(e, { path: err.path ?? join(session.vaultDir, DATABASE_FILE), doing: describeOperation(name), changed: 'Nothing was changed.', then: 'run the command again' });
      session.logger.error(`${name}: ${io.message}`, io.detail);
      return { ok: false, code: io.code, message: withRecorded(io.message, recorded) };
    }
    session.logger.error(`${name}: unexpected failure`, e instanceof Error ? (e.stack ?? e.message) : String(e));
    const log = session.logger.path ? ` (${session.logger.path})` : '';
    return { ok: false, code: 'INTERNAL', message: withRecorded(`Airgap CA hit an internal error; nothing was changed by the failed step. The details are in the log${log}.`, recorded) };
  }
}

function isIoCode(code: string): boolean {
  return code === 'IO_ERROR' || code === 'DISK_FULL' || code === 'READ_ONLY' || code === 'MEDIA_REMOVED';
}

function describeOperation(name: string): string {
  return `the operation ${name}`;
}

/**
 * A failure after the operation committed something must not read as if the
 * vault were unchanged: "nothing was changed" becomes "this step changed
 * nothing" and the committed audit events are named.
 */
function withRecorded(message: string, recorded: ReadonlyArray<{ seq: number; action: string }>): string {
  // A message that already says the changes were recorded (and the audit log names them), or that they were undone
  // (a new vault removed again), needs no list.
  if (recorded.length === 0 || /after recording its changes|was removed again: nothing was changed/.test(message)) return message;
  const list = recorded.map((r) => `audit event ${r.seq} (${r.action})`).join(', ');
  const scoped = message.replace(/\b[Nn]othing was changed( by the failed step)?/g, (m) => (m.startsWith('N') ? 'The failed step changed nothing else' : 'the failed step changed nothing else'));
  return `${scoped} Recorded in the vault before the failure, and kept: ${list}.`;
}
