import type { Contract, OpName, OpParsedInput, OpResult } from '../contract.ts';
import type { VaultContext, VaultlessContext } from './context.ts';

/** An operation that needs an unlocked vault gets a VaultContext; any other gets a VaultlessContext, which has no vault. */
export type ContextFor<N extends OpName> = Contract[N]['needsUnlock'] extends true ? VaultContext : VaultlessContext;

export type Handler<N extends OpName> = (input: OpParsedInput<N>, ctx: ContextFor<N>) => Promise<OpResult<N>> | OpResult<N>;
export type HandlersFor<K extends OpName> = { [N in K]: Handler<N> };
