import type { OpName } from './contract.ts';
import { auditOps } from './contract/audit.ts';
import { caOps } from './contract/cas.ts';
import { ceremonyOps } from './contract/ceremony.ts';
import { certOps } from './contract/certs.ts';
import { crlScheduleOps } from './contract/crls.ts';
import { fleetOps } from './contract/fleet.ts';
import { keyOps } from './contract/keys.ts';
import { mediaOps } from './contract/media.ts';
import { settingsOps } from './contract/settings.ts';
import { vaultOps } from './contract/vault.ts';
import type { Handler } from './service/handler.ts';
import { Session, type SessionOptions } from './session.ts';

/** The contract implemented on core: one handler per operation name, nothing else. */
export type Handlers = { [N in OpName]: Handler<N> };

type AnyHandler = (input: unknown, ctx: never) => unknown;

/**
 * The handler modules, one per group of the contract, each loaded the first
 * time one of its operations runs: a command line that unlocks and issues
 * loads the vault's and the certificates' handlers (and what they import),
 * not the ceremonies', the media's or the key imports'.
 */
const GROUPS: ReadonlyArray<{ ops: object; load: () => Promise<object> }> = [
  { ops: vaultOps, load: async () => (await import('./service/vault-handlers.ts')).vaultHandlers },
  { ops: caOps, load: async () => (await import('./service/ca-handlers.ts')).caHandlers },
  { ops: keyOps, load: async () => (await import('./service/key-handlers.ts')).keyHandlers },
  { ops: certOps, load: async () => (await import('./service/cert-handlers.ts')).certHandlers },
  { ops: crlScheduleOps, load: async () => (await import('./service/crl-schedule-handlers.ts')).crlScheduleHandlers },
  { ops: mediaOps, load: async () => (await import('./service/media-handlers.ts')).mediaHandlers },
  { ops: auditOps, load: async () => (await import('./service/audit-handlers.ts')).auditHandlers },
  { ops: settingsOps, load: async () => (await import('./service/settings-handlers.ts')).settingsHandlers },
  { ops: ceremonyOps, load: async () => (await import('./service/ceremony-handlers.ts')).ceremonyHandlers },
  { ops: fleetOps, load: async () => (await import('./service/fleet-handlers.ts')).fleetHandlers },
];

/** The handler modules together implement the whole contract (checked by the compiler; nothing of this is run). */
type Loaded = typeof import('./service/vault-handlers.ts').vaultHandlers &
  typeof import('./service/ca-handlers.ts').caHandlers &
  typeof import('./service/key-handlers.ts').keyHandlers &
  typeof import('./service/cert-handlers.ts').certHandlers &
  typeof import('./service/crl-schedule-handlers.ts').crlScheduleHandlers &
  typeof import('./service/media-handlers.ts').mediaHandlers &
  typeof import('./service/audit-handlers.ts').auditHandlers &
  typeof import('./service/settings-handlers.ts').settingsHandlers &
  typeof import('./service/ceremony-handlers.ts').ceremonyHandlers &
  typeof import('./service/fleet-handlers.ts').fleetHandlers;
export type CompleteHandlers = Loaded extends Handlers ? true : never;
const complete: CompleteHandlers = true;
void complete;

function lazyHandlers(): Handlers {
  const out: Record<string, AnyHandler> = {};
  for (const group of GROUPS) {
    let module: Promise<Record<string, AnyHandler>> | null = null;
    for (const name of Object.keys(group.ops)) {
      out[name] = async (input, ctx) => {
        module ??= group.load() as Promise<Record<string, AnyHandler>>;
        const handler = (await module)[name];
        if (!handler) throw new Error(`no handler for ${name}`);
        return handler(input, ctx);
      };
    }
  }
  return out as unknown as Handlers;
}

/** One function per operation; each loads its group's module on first use (the same object is spread by tests that replace a handler). */
export const handlers: Handlers = lazyHandlers();

export interface Service {
  session: Session;
  handlers: Handlers;
}

export function createService(opts: SessionOptions): Service {
  return { session: new Session(opts), handlers };
}
