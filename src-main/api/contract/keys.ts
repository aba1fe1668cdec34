import { z } from 'zod';
import { KEY_ALGORITHMS } from '../../core/pki/key-algorithm-names.ts';
import type { ErrorCode } from '../../core/errors.ts';
import type { ActivationFacts, KeyState, RetiredReason } from '../../core/keys/key-state.ts';
import type { RemainingLeaf } from '../../core/fleet/fleet-views.ts';
import type { TokenBinding } from '../../core/token/token-binding.ts';
import { empty, filePath, op, witnessList, witnessShareList } from './common.ts';

export type KeyStateName = KeyState;
export type { RetiredReason };

export interface KeyHealthView {
  ok: boolean;
  /** Officer-language problems; empty when healthy. */
  problems: string[];
  daysToNotAfter: number | null;
}

export interface CrlStatusView {
  lastNumber: number | null;
  thisUpdate: string | null;
  nextUpdate: string | null;
  /** none: never published; due: nextUpdate within 2 days; expired: nextUpdate passed. */
  status: 'none' | 'ok' | 'due' | 'expired';
}

const keyName = z.string().trim().min(1).max(100).regex(/^[^\s].*$/);

export interface KeyView {
  id: string;
  /** The CA the key belongs to: its id and its name. */
  caId: string;
  ca: string;
  name: string;
  algorithm: string;
  state: KeyStateName;
  subject: string | null;
  issuer: string | null;
  selfSigned: boolean;
  notBefore: string | null;
  notAfter: string | null;
  trustedUntil: string | null;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  /**
   * While the key is retired: when, by whom (the actor) and why — compromise when an emergency
   * rotation retired it. by and reason are null for a key retired before the vault recorded them.
   */
  retired: RetiredView | null;
  chainLength: number;
  health: KeyHealthView;
  crl: CrlStatusView;
  unexpiredIssued: number;
  /** Where the private key lives when it is on a PKCS#11 token (null: wrapped in the vault), and whether it is usable now. */
  token: TokenKeyView | null;
}

export interface TokenKeyView extends TokenBinding {
  /** OK: present and signs; UNCHECKED: present, no PIN to try a signature; else the error code (TOKEN_NOT_PRESENT, TOKEN_PIN_INCORRECT, …). */
  status: 'OK' | 'UNCHECKED' | ErrorCode;
  message: string;
}

/** Which token: by its label or by its serial number (exactly one). */
export const tokenSelector = z
  .strictObject({ label: z.string().trim().min(1).max(32).optional(), serial: z.string().trim().min(1).max(16).optional() })
  .refine((t) => (t.label === undefined) !== (t.serial === undefined), { message: 'name the token by its label or by its serial number, not both' });

export interface TokenView {
  label: string;
  serial: string;
  manufacturer: string;
  model: string;
  slot: number;
  initialized: boolean;
  pinLocked: boolean;
  /** The token supports CKM_EDDSA, so Ed25519 keys can be made on it. */
  eddsa: boolean;
}

export interface RetiredView {
  at: string;
  by: string | null;
  reason: RetiredReason | null;
}

export interface ChainCertificateView {
  position: number;
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  isCa: boolean;
  pathLength: number | null;
  selfSigned: boolean;
  keyId: string;
  /** Bidi controls and zero-width characters in the subject (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069, U+FEFF) as "U+XXXX": the name may display as another one. Empty when none. */
  subjectSpoofing: string[];
}

/** The codes chain import refuses a chain with. */
export type ChainErrorCode = Extract<ErrorCode, `CHAIN_${string}`>;

/** The root a chain ends in, for the officer to compare against the fingerprint the corporate PKI published. */
export interface ChainRootView {
  subject: string;
  /** SHA-256 of the root certificate's DER, 64 lowercase hex digits. */
  fingerprint: string;
  /** Whether this vault already pins that root. */
  pinned: boolean;
}

export interface ChainCheckView {
  ok: boolean;
  chain: ChainCertificateView[];
  code: ErrorCode | null;
  message: string | null;
  root?: ChainRootView;
}

export interface KeyDetailView extends KeyView {
  certificatePem: string | null;
  chain: ChainCertificateView[];
  /** The key's own certificate first, then its issuers up to the root. */
  chainPem: string | null;
}

export interface ActivationView extends ActivationFacts {
  activated: KeyView;
  /** The key that was active before, as it is now (trusted, or retired in an emergency). */
  previous: KeyView | null;
}

/** key.stage: the key, now staged, and the keys of the trust bundle that now holds it. */
export interface StageView {
  staged: KeyView;
  bundleKeyIds: string[];
}

/** key.rollback: the key active again, the key that stepped back (staged or retired), and what the latter issued that is still live. */
export interface RollbackView {
  restored: KeyView;
  steppedBack: KeyView;
  issued: RemainingLeaf[];
  bundleKeyIds: string[];
}

/** The latest emergency rotation of the CA (or of any CA): the key it retired for compromise, and whether an export has carried it. */
export interface CompromiseView {
  key: KeyView;
  /**
   * The first export written at or after the rotation (every recorded export was read back and
   * verified on its medium): its time, folder and manifest. Null: not exported, agents still trust the compromised key.
   */
  exported: { at: string; folder: string; manifestSha256: string } | null;
}

/** What `key.import` brought in: the key as stored, where it came from and the root its chain ends in. */
export interface KeyImportView extends KeyDetailView {
  /** The form of the key given: a key file (PKCS#8, encrypted PKCS#8, traditional OpenSSL PEM/DER) or PKCS#12. */
  source: 'pkcs8' | 'pkcs8-encrypted' | 'traditional' | 'traditional-encrypted' | 'pkcs12';
  /** The root the certificate's chain ends in (the certificate itself for a root), and whether this import pinned it. */
  root: { subject: string; fingerprint: string; pinnedNow: boolean };
}

export interface BundleView {
  pem: string;
  keys: Array<{ id: string; name: string; state: KeyStateName }>;
  certificates: number;
}

/** bundle.write: the bundle with its version (per CA, only grows) and the SHA-256 of the file's exact bytes. */
export interface WrittenBundleView extends BundleView {
  file: string;
  bundleVersion: number;
  bundleSha256: string;
}

/** A file the main process reads (CLI, media) or one the officer picked in the UI (content as base64). */
export const fileSource = z.union([
  z.strictObject({ path: filePath }),
  z.strictObject({ name: z.string().min(1).max(255), base64: z.string().max(8 * 1024 * 1024, 'the file is too large (over 6 MB)') }),
]);

const keyRef = z.string().trim().min(1, 'name the key (its id, an 8+ digit id prefix, or its name)').max(200);
const subject = z.string().trim().min(1, 'a subject DN is required, e.g. "CN=Acme Agents CA,O=Acme"').max(1024);

export const keyOps = {
  'key.create': op<KeyView>()(
    z.strictObject({ name: keyName, algorithm: z.enum(KEY_ALGORITHMS).default('ecdsa-p256'), token: tokenSelector.optional() }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
  'key.adopt': op<KeyView>()(
    z.strictObject({ name: keyName, token: tokenSelector, id: z.string().trim().toLowerCase().regex(/^([0-9a-f]{2}){1,128}$/, 'CKA_ID as hex digits, two per byte') }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
  'token.list': op<TokenView[]>()(empty, { mutates: false, needsUnlock: true }),
  // The desktop app's PIN field: held in this session's memory until the vault locks (null forgets it); never stored.
  'token.setPin': op<{ held: boolean }>()(z.strictObject({ pin: z.string().min(1).max(256).nullable() }), { mutates: false, needsUnlock: false }),

  'key.list': op<KeyView[]>()(empty, { mutates: false, needsUnlock: true, ca: 'oneOrAll' }),
  'key.show': op<KeyDetailView>()(z.strictObject({ key: keyRef }), { mutates: false, needsUnlock: true, ca: 'one' }),
  'key.compromise': op<CompromiseView | null>()(empty, { mutates: false, needsUnlock: true, ca: 'oneOrAll' }),
  'key.selfSign': op<KeyDetailView>()(
    z.strictObject({ key: keyRef, subject, days: z.number().int().min(1).max(36500).optional(), pathLength: z.number().int().min(0).max(16).optional() }),
    // The root is pinned (key.root-pinned) and self-signed (key.self-signed) in one transaction.
    { mutates: { events: [2, 2] }, needsUnlock: true, ca: 'one' },
  ),
  'key.csr': op<{ file: string | null; pem: string; format: 'pem' | 'der' }>()(
    z.strictObject({ key: keyRef, subject, out: filePath.optional(), format: z.enum(['pem', 'der']).default('pem') }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
  'key.checkChain': op<ChainCheckView>()(
    z.strictObject({ key: keyRef, source: fileSource }),
    { mutates: false, needsUnlock: true, ca: 'one' },
  ),
  'key.importChain': op<KeyDetailView>()(
    z.strictObject({
      key: keyRef,
      source: fileSource,
      /** SHA-256 of the root certificate's DER, needed when the vault does not yet trust the root; colons and case ignored. */
      rootFingerprint: z.string().trim().max(200).optional(),
    }),
    // key.chain-imported, preceded by key.root-pinned when the root is pinned now.
    { mutates: { events: [1, 2] }, needsUnlock: true, ca: 'one' },
  ),
  'key.import': op<KeyImportView>()(
    z.strictObject({
        name: z.string().trim().min(1).max(100).regex(/^[^\s].*$/),
        /** The private key file (PKCS#8 PEM/DER, encrypted PKCS#8, traditional OpenSSL PEM/DER) with its certificate file; or a PKCS#12 file. */
        keyFile: fileSource.optional(),
        certificate: fileSource.optional(),
        p12: fileSource.optional(),
        chain: fileSource.optional(),
        /** The key file's or PKCS#12 file's password; never from a command-line argument (the CLI reads a file or prompts). */
        password: z.string().max(1024).optional(),
        rootFingerprint: z.string().trim().max(200).optional(),
        state: z.enum(['draft', 'active', 'trusted']).default('draft'),
        trustedWindowDays: z.number().int().min(1).max(3650).optional(),
        /** Put the private key on this PKCS#11 token (not extractable) instead of wrapping it in the vault. */
        token: tokenSelector.optional(),
      }),
    // key.imported, preceded by key.root-pinned when the root is pinned now.
    { mutates: { events: [1, 2] }, needsUnlock: true, ca: 'one' },
  ),
  'key.activate': op<ActivationView>()(
    z.strictObject({
      key: keyRef,
      trustedWindowDays: z.number().int().min(1).max(3650).optional(),
      emergency: z.boolean().default(false),
      witnesses: witnessList.default([]),
      /**
       * Emergency only: k custodian shares of the vault's quorum, the witnesses' proof that they are there
       * (checked against the quorum slot; their holders go into the transcript and key.emergency-activated).
       * Required when the vault's emergencyWitnessShares setting is on.
       */
      witnessShares: witnessShareList.optional(),
      /** Emergency only: use the shares presented with vault.presentWitnessShare (the console), instead of witnessShares; they are given up after. */
      presentedWitnessShares: z.boolean().default(false),
      /** Sign a link certificate from the previous self-signed root (standalone root rotation). Default: yes when both are roots. */
      linkFromPrevious: z.boolean().optional(),
      /** Activate a staged key below settings.activationReadiness; needs reason (audited). */
      force: z.boolean().default(false),
      reason: z.string().trim().max(500).optional(),
    }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
  'key.retire': op<KeyView>()(
    z.strictObject({ key: keyRef, force: z.boolean().default(false), reason: z.string().trim().max(500).optional() }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
  'key.stage': op<StageView>()(z.strictObject({ key: keyRef }), { mutates: true, needsUnlock: true, ca: 'one' }),
  'key.rollback': op<RollbackView>()(
    z.strictObject({ reason: z.string().trim().max(500).optional(), retire: z.boolean().default(false) }),
    { mutates: true, needsUnlock: true, ca: 'one' },
  ),
  'key.promote': op<KeyView>()(z.strictObject({ key: keyRef, days: z.number().int().min(1).max(3650).optional() }), { mutates: true, needsUnlock: true, ca: 'one' }),
  'bundle.preview': op<BundleView>()(empty, { mutates: false, needsUnlock: true, ca: 'one' }),
  'bundle.write': op<WrittenBundleView>()(z.strictObject({ out: filePath }), { mutates: true, needsUnlock: true, ca: 'one' }),
} as const;
