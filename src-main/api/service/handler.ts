import type { OpName, OpParsedInput, OpResult } from '../contract.ts';
import type { Session } from '../session.ts';

export type Handler<N extends OpName> = (input: OpParsedInput<N>, session: Session) => Promise<OpResult<N>> | OpResult<N>;
export type HandlersFor<K extends OpName> = { [N in K]: Handler<N> };
