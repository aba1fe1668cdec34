/**
 * Every operation the UI or the CLI can perform, named once: its input schema
 * and its result type. Electron's ipcMain, the CLI and the e2e host all go
 * through dispatch() with these names; the preload's window.airgap is derived
 * from this list. Add an operation here, implement it in service/, done.
 */
import type { z } from 'zod';
import type { ApiResponse, Operation, ProgressEvent } from './contract/common.ts';
import { auditOps } from './contract/audit.ts';
import { caOps } from './contract/cas.ts';
import { ceremonyOps } from './contract/ceremony.ts';
import { certOps } from './contract/certs.ts';
import { crlScheduleOps } from './contract/crls.ts';
import { mediaOps } from './contract/media.ts';
import { keyOps } from './contract/keys.ts';
import { settingsOps } from './contract/settings.ts';
import { vaultOps } from './contract/vault.ts';

export const contract = {
  ...vaultOps,
  ...caOps,
  ...keyOps,
  ...certOps,
  ...crlScheduleOps,
  ...mediaOps,
  ...auditOps,
  ...settingsOps,
  ...ceremonyOps,
} as const;

export type Contract = typeof contract;
export type OpName = keyof Contract;
export type OpInput<N extends OpName> = z.input<Contract[N]['input']>;
export type OpParsedInput<N extends OpName> = z.output<Contract[N]['input']>;
export type OpResult<N extends OpName> = Contract[N] extends Operation<z.ZodType, infer R> ? R : never;

/** window.airgap: one async function per operation, answering { ok, value } or { ok: false, code, message }. */
export type AirgapApi = { [N in OpName]: (input: OpInput<N>) => Promise<ApiResponse<OpResult<N>>> };

export const OPERATION_NAMES = Object.keys(contract) as OpName[];

/** The operations of one CA (their contract entry has `ca`): their input takes the CA's name as `ca`, as the CLI's --ca. */
export type CaScopedOpName = { [N in OpName]: Contract[N]['ca'] extends 'one' | 'oneOrAll' ? N : never }[OpName];

/** Is this operation one CA's? The CLI adds --ca to exactly these; the console adds the CA it shows (built into the renderer). */
export function isCaScoped(name: OpName): name is CaScopedOpName {
  return contract[name].ca !== undefined;
}

export const CA_SCOPED_OPERATION_NAMES: CaScopedOpName[] = OPERATION_NAMES.filter(isCaScoped);

/** Sent by main when the session locked itself (idle timer); the renderer returns to the unlock screen. */
export interface LockedNotice {
  reason: string | null;
}

/** window.airgap as the preload exposes it: one function per operation, plus the auto-lock and progress subscriptions. Nothing else. */
export type AirgapBridge = AirgapApi & {
  /** Calls cb each time the vault locks itself; returns the unsubscribe function. */
  onLocked(cb: (notice: LockedNotice) => void): () => void;
  /** Calls cb with each progress report of long work (batch issuance, export); returns the unsubscribe function. */
  onProgress(cb: (event: ProgressEvent) => void): () => void;
};

export type { ApiResponse, ProgressEvent } from './contract/common.ts';
export type { ErrorCode } from '../core/errors.ts';
export type * from './contract/vault.ts';
export type * from './contract/audit.ts';
export type * from './contract/cas.ts';
export type * from './contract/keys.ts';
export type * from './contract/certs.ts';
export type * from './contract/crls.ts';
export type * from './contract/media.ts';
export type * from './contract/settings.ts';
export type * from './contract/ceremony.ts';
export { DEFAULT_SETTINGS } from './contract/settings.ts';
