import type { ApiResponse, CaScopedOpName, OpInput, OpName, OpResult } from '../../src-main/api/contract.ts';

export type ApiFailure = Extract<ApiResponse<unknown>, { ok: false }>;

// Injected at build time from the contract (electron.vite.config.ts), so the page carries no zod schemas.
declare const __AIRGAP_CA_SCOPED_OPERATIONS__: readonly CaScopedOpName[];

const CA_SCOPED: ReadonlySet<OpName> = new Set<OpName>(__AIRGAP_CA_SCOPED_OPERATIONS__);

/** The CA the console shows (the switcher's choice); null until the vault's CAs are read. */
let consoleCa: string | null = null;

/** Set by the CA slice when the officer switches CA (and when the CAs are first read). */
export function setConsoleCa(name: string | null): void {
  consoleCa = name;
}

/** Is this operation one CA's, so that its input takes `ca`? */
export function isCaScopedOp(name: OpName): name is CaScopedOpName {
  return CA_SCOPED.has(name);
}

/**
 * The input as dispatch gets it: an operation of one CA that names none gets
 * the CA the console shows, as the CLI adds --ca. A caller that names a CA
 * (the overview, the certificates table's CA filter) keeps its own.
 */
function scoped<N extends OpName>(name: N, input: OpInput<N>): OpInput<N> {
  if (!isCaScopedOp(name) || consoleCa === null) return input;
  const given = input as { ca?: string };
  if (given.ca !== undefined) return input;
  // Only CA-scoped operations reach here, and their input schema has an optional `ca` (contract/common.ts, WithCa).
  return { ...input, ca: consoleCa } as OpInput<N>;
}

/**
 * Calls one contract operation through window.airgap. Always answers an
 * ApiResponse: a transport failure (the main process went away) becomes an
 * INTERNAL failure with a message an officer can act on.
 */
export async function call<N extends OpName>(name: N, input: OpInput<N>): Promise<ApiResponse<OpResult<N>>> {
  const fn = window.airgap[name] as unknown as (i: OpInput<N>) => Promise<ApiResponse<OpResult<N>>>;
  try {
    return await fn(scoped(name, input));
  } catch {
    return { ok: false, code: 'INTERNAL', message: 'The window lost contact with the vault service. Close Airgap CA and start it again; nothing was changed.' };
  }
}
