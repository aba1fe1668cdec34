import { z } from 'zod';
import { empty, op } from './common.ts';

export interface Settings {
  /** Minutes of inactivity before the session locks itself. */
  autoLockMinutes: number;
  /** Days a replaced active key stays in the trust bundle. */
  trustedWindowDays: number;
  /** Days from a CRL's thisUpdate to its nextUpdate. */
  crlValidityDays: number;
  /**
   * Days before a CRL (or the last pre-signed one) expires by which the next ceremony must publish
   * its successor (`crl calendar`), and the overlap of consecutive pre-signed CRLs (`crl presign`).
   */
  crlSafetyMarginDays: number;
  /** Days a bootstrap certificate is valid when the request names no validity. */
  bootstrapValidityDays: number;
  /** Path of the PKCS#11 module (.so/.dll/.dylib) keys on tokens are reached through; AIRGAP_CA_PKCS11_MODULE wins over it. null: none. */
  pkcs11Module: string | null;
  /** Percent of known agents that must have a receipt for a bundle holding a staged key before it is activated. */
  activationReadiness: number;
  /**
   * An emergency rotation needs k custodian shares of the vault's quorum as the witnesses' proof.
   * Set with vault.emergencyWitnessShares only (turning it off needs the shares too), never settings.update.
   */
  emergencyWitnessShares: boolean;
}

export const DEFAULT_SETTINGS: Settings = { autoLockMinutes: 5, trustedWindowDays: 30, crlValidityDays: 7, crlSafetyMarginDays: 2, bootstrapValidityDays: 1825, pkcs11Module: null, activationReadiness: 100, emergencyWitnessShares: false };

export const settingsOps = {
  'settings.get': op<Settings>()(empty, { mutates: false, needsUnlock: true }),
  'settings.update': op<Settings>()(
    z.strictObject({
      autoLockMinutes: z.number().int().min(1).max(240).optional(),
      trustedWindowDays: z.number().int().min(1).max(3650).optional(),
      crlValidityDays: z.number().int().min(1).max(366).optional(),
      crlSafetyMarginDays: z.number().int().min(1).max(60).optional(),
      bootstrapValidityDays: z.number().int().min(1).max(3650).optional(),
      // An absolute path: the module is loaded into this process, so it is named exactly.
      pkcs11Module: z.string().trim().min(1).max(4096).startsWith('/').or(z.string().regex(/^[A-Za-z]:\\/)).nullable().optional(),
      activationReadiness: z.number().int().min(0).max(100).optional(),
    }),
    // Values equal to the current ones change nothing and write nothing.
    { mutates: { transactions: [0, 1] }, needsUnlock: true },
  ),
} as const;
