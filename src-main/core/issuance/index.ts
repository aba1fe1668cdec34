/**
 * Public API of issuance, revocation and CRLs. Pure domain: no
 * database; the caller records what is issued and revoked.
 */
export { parseAndVerifyCsr, DEFAULT_CSR_MAX_BYTES } from './csr-intake.ts';
export type { ParsedCsr, CsrIntakeOptions } from './csr-intake.ts';
export { Issuer, createIssuer } from './issuer.ts';
export type { IssuerInit, IssueRequest, IssuedCertificate } from './issuer.ts';
export { issueBatch } from './batch-issuance.ts';
export type { BatchItem, BatchOutcome, BatchOptions } from './batch-issuance.ts';
export { PROFILES, PROFILE_NAMES, getProfile, isProfileName } from './profiles.ts';
export type { Profile, ProfileName } from './profiles.ts';
export { encodeCrl, crlToPem } from './crl-encoder.ts';
export type { CrlInput, CrlEntryInput } from './crl-encoder.ts';
export { readCrl, verifyCrlSignature } from './crl-reader.ts';
export type { CrlView, CrlEntry, ReadCrlOptions } from './crl-reader.ts';
export { REASON_CODES, REASON_NAMES, isReasonName, parseRevocationReason, reasonFromCode } from './revocation-reasons.ts';
export type { ReasonName } from './revocation-reasons.ts';
export { normalizeSerialHex } from '../asn1/serial.ts';
export { keyIdentifier } from './key-identifier.ts';
export { toPem } from '../asn1/pem.ts';
export { buildCertificationRequest } from './certification-request.ts';
export { encodeName } from '../asn1/name.ts';
export type { SubjectAltNames } from './subject-alt-names.ts';
export type { KeyDescription } from './subject-public-key.ts';
export { LINT_RULES } from './certificate-lint.ts';
export type { LintRule } from './certificate-lint.ts';
