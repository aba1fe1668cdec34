import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The CA an operation works on, carried to every audit event it appends:
 * dispatch runs a CA's operation inside `runInCaScope`, and AuditLog.append
 * adds `ca` (the CA's name) to the details of each event written meanwhile,
 * so no handler or core orchestration can forget to name it. Carried by
 * AsyncLocalStorage like the transaction guard, so operations running at the
 * same time each name their own CA.
 */
const scopes = new AsyncLocalStorage<{ ca: string }>();

export function runInCaScope<T>(ca: string, work: () => T): T {
  return scopes.run({ ca }, work);
}

/** The name of the CA of the work running now, if it runs for one. */
export function currentAuditCa(): string | undefined {
  return scopes.getStore()?.ca;
}
