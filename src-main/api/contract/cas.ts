import { z } from 'zod';
import type { CaSummary } from '../../core/store/ca-summary.ts';
import { PROFILE_NAMES } from '../../core/issuance/profile-names.ts';
import { KEY_ALGORITHMS } from '../../core/pki/key-algorithm-names.ts';
import type { TokenBinding } from '../../core/token/token-binding.ts';
import { caName, empty, op } from './common.ts';
import { tokenSelector } from './keys.ts';

/** A CA of the vault: its name, purpose and settings (null: the vault's setting), its parent's name, its active key and how many keys it holds. */
export interface CaView extends CaSummary {
  /** The name of the CA of this vault that certified its first key (parentId), else null. */
  parentName: string | null;
  activeKeyId: string | null;
  activeKeyName: string | null;
  keys: number;
}

const purpose = z.string().trim().max(500);

/** What ca.create answers: the CA, and with a parent its first key, that key's certificate serial and, made on a token, where it lives. */
export type CreatedCaView = CaView & {
  firstKeyId: string | null;
  serial: string | null;
  /** The first key's token (identity, CKA_ID, label) when it was generated on one, else null: the vault holds no private key for it. */
  firstKeyToken: TokenBinding | null;
};

export const caOps = {
  'ca.create': op<CreatedCaView>()(
    z.strictObject({
      name: caName,
      purpose: purpose.default(''),
      /** With parent: the new CA's first key, certified by the parent CA's active key (a sub-CA inside the vault). */
      parent: caName.optional(),
      keyName: z.string().trim().min(1).max(100).regex(/^[^\s].*$/).optional(),
      algorithm: z.enum(KEY_ALGORITHMS).default('ecdsa-p256'),
      subject: z.string().trim().min(1).max(1024).optional(),
      days: z.number().int().min(1).max(36500).optional(),
      /** With parent: generate the first key pair on this PKCS#11 token (by label or serial), as key.create { token } does. */
      token: tokenSelector.optional(),
    }),
    // With a parent: ca.created, key.created, cert.issued (in the parent) and key.chain-issued, in one transaction.
    { mutates: { events: [1, 4] }, needsUnlock: true },
  ),
  'ca.list': op<CaView[]>()(empty, { mutates: false, needsUnlock: true }),
  'ca.show': op<CaView>()(z.strictObject({ name: caName }), { mutates: false, needsUnlock: true }),
  'ca.update': op<CaView>()(
    z.strictObject({
      name: caName,
      // null: follow the vault's setting again (for allowedProfiles: every profile; defaultValidityDays: the profile's default).
      trustedWindowDays: z.number().int().min(1).max(3650).nullable().optional(),
      crlValidityDays: z.number().int().min(1).max(366).nullable().optional(),
      allowedProfiles: z.array(z.enum(PROFILE_NAMES)).min(1).max(PROFILE_NAMES.length).nullable().optional(),
      defaultValidityDays: z.number().int().min(1).max(36500).nullable().optional(),
    }),
    { mutates: true, needsUnlock: true },
  ),
  'ca.rename': op<CaView>()(z.strictObject({ name: caName, newName: caName }), { mutates: true, needsUnlock: true }),
} as const;
