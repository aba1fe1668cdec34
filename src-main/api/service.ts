import type { OpName } from './contract.ts';
import type { Handler } from './service/handler.ts';
import { caHandlers } from './service/ca-handlers.ts';
import { auditHandlers } from './service/audit-handlers.ts';
import { keyHandlers } from './service/key-handlers.ts';
import { certHandlers } from './service/cert-handlers.ts';
import { crlScheduleHandlers } from './service/crl-schedule-handlers.ts';
import { ceremonyHandlers } from './service/ceremony-handlers.ts';
import { mediaHandlers } from './service/media-handlers.ts';
import { settingsHandlers } from './service/settings-handlers.ts';
import { vaultHandlers } from './service/vault-handlers.ts';
import { Session, type SessionOptions } from './session.ts';

/** The contract implemented on core: one handler per operation name, nothing else. */
export type Handlers = { [N in OpName]: Handler<N> };

export const handlers: Handlers = {
  ...vaultHandlers,
  ...caHandlers,
  ...keyHandlers,
  ...certHandlers,
  ...crlScheduleHandlers,
  ...mediaHandlers,
  ...auditHandlers,
  ...settingsHandlers,
  ...ceremonyHandlers,
};

export interface Service {
  session: Session;
  handlers: Handlers;
}

export function createService(opts: SessionOptions): Service {
  return { session: new Session(opts), handlers };
}
