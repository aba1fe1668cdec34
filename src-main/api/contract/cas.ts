import { z } from 'zod';
import type { CaSummary } from '../../core/store/ca-summary.ts';
import { caName, empty, op } from './common.ts';

/** A CA of the vault: its name, purpose and settings (null: the vault's setting), its active key and how many keys it holds. */
export interface CaView extends CaSummary {
  activeKeyId: string | null;
  keys: number;
}

const purpose = z.string().trim().max(500);

export const caOps = {
  'ca.create': op<CaView>()(z.strictObject({ name: caName, purpose: purpose.default('') }), { mutates: true, needsUnlock: true }),
  'ca.list': op<CaView[]>()(empty, { mutates: false, needsUnlock: true }),
  'ca.show': op<CaView>()(z.strictObject({ name: caName }), { mutates: false, needsUnlock: true }),
  'ca.rename': op<CaView>()(z.strictObject({ name: caName, newName: caName }), { mutates: true, needsUnlock: true }),
} as const;
