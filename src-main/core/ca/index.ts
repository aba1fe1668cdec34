/**
 * CA signing keys: the pure domain layer (no storage). The integrator keeps
 * key records in the vault and calls these; see each file for the codes it
 * throws.
 */
export { generateSigningKey, keyIdOf, isKeyId, importSigningKey, importVerifyKey, spkiOfPrivateKey, algorithmOfSpki } from './key-material.ts';
export type { GeneratedKey } from './key-material.ts';
export { parseDistinguishedName, formatDistinguishedName, nameFromDistinguishedName } from './distinguished-name.ts';
export { selfSignRoot, DEFAULT_ROOT_DAYS, MAX_CERT_DAYS } from './self-sign.ts';
export type { SelfSignInput } from './self-sign.ts';
export type { SignedCertificate } from './cert-signer.ts';
export { createSubCaRequest, encodeRequest } from './csr.ts';
export type { CsrInput, CsrFormat, SubCaRequest } from './csr.ts';
export { importChain, verifyStoredChain, describeCertificate, DEFAULT_MAX_CHAIN_BYTES } from './chain-import.ts';
export type { ChainImportInput, ImportedChain, ChainCertificateSummary } from './chain-import.ts';
export { readChainFile, MAX_CHAIN_CERTIFICATES } from './chain-file.ts';
export { planActivation, planEmergencyActivation, planRetire, planPromote, applyPlan, activeKeyOf, normalizeWitnesses, DEFAULT_TRUSTED_WINDOW_DAYS, MAX_TRUSTED_WINDOW_DAYS } from './lifecycle.ts';
export type { KeyState, KeyRecord, StateChange, TransitionAction, TransitionPlan } from './lifecycle.ts';
export { createLinkCertificate } from './link-cert.ts';
export type { LinkCertificateInput } from './link-cert.ts';
export { buildTrustBundle, distributedKeys } from './trust-bundle.ts';
export type { DistributedKey, TrustBundle } from './trust-bundle.ts';
export { buildTrustAnchor, serializeTrustAnchorDocument } from './trust-anchor.ts';
export type { AnchorKey, TrustAnchorDocument, TrustAnchorKeyEntry } from './trust-anchor.ts';
export { checkKeyHealth, EXPIRY_WARNING_DAYS } from './health.ts';
export type { HealthInput, KeyHealth } from './health.ts';
