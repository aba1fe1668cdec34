/**
 * Issuance profiles: what a certificate of each kind may do. The profile, not
 * the request, decides every extension except the subject alternative names.
 */
import { DomainError } from '../errors.ts';
import { OID } from '../asn1/oids.ts';
import type { KeyDescription } from './subject-public-key.ts';

import { PROFILE_NAMES, type ProfileName } from './profile-names.ts';

export { PROFILE_NAMES, type ProfileName } from './profile-names.ts';

/** KeyUsage bit numbers (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BIT = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
export type KeyUsageName = keyof typeof KEY_USAGE_BIT;

export interface Profile {
  readonly name: ProfileName;
  /** One line for the CLI and the UI. */
  readonly description: string;
  readonly defaultDays: number;
  readonly maxDays: number;
  /** A CA certificate (basicConstraints cA TRUE) or an end entity. */
  readonly ca: boolean;
  /** At least one subject alternative name is required. */
  readonly sanRequired: boolean;
  /** ExtendedKeyUsage purposes (RFC 5280 4.2.1.12), empty for none. */
  readonly extendedKeyUsage: readonly string[];
  /** RFC 6960 4.2.2.2.1 id-pkix-ocsp-nocheck. */
  readonly ocspNoCheck: boolean;
  /** KeyUsage for a subject key of this kind. */
  keyUsage(key: KeyDescription): readonly KeyUsageName[];
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  agent: {
    name: 'agent',
    description: 'Agent client certificate: TLS client authentication (clientAuth, digitalSignature), 365 days.',
    defaultDays: 365,
    maxDays: 825,
    ca: false,
    sanRequired: false,
    extendedKeyUsage: [OID.kpClientAuth],
    ocspNoCheck: false,
    keyUsage: () => ['digitalSignature'],
  },
  server: {
    name: 'server',
    description: 'TLS server certificate (serverAuth); needs at least one subject alternative name, 365 days.',
    defaultDays: 365,
    maxDays: 825,
    ca: false,
    sanRequired: true,
    extendedKeyUsage: [OID.kpServerAuth],
    ocspNoCheck: false,
    // RSA key transport (TLS 1.2 RSA key exchange) needs keyEncipherment; EC keys only sign.
    keyUsage: (key) => (key.type === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature']),
  },
  'sub-ca': {
    name: 'sub-ca',
    description: 'Subordinate CA: cA TRUE with a path length, keyCertSign and cRLSign, 5 years.',
    defaultDays: 1825,
    maxDays: 3650,
    ca: true,
    sanRequired: false,
    extendedKeyUsage: [],
    ocspNoCheck: false,
    keyUsage: () => ['keyCertSign', 'cRLSign'],
  },
  'ocsp-signer': {
    name: 'ocsp-signer',
    description: 'OCSP responder: OCSPSigning with ocsp-nocheck, short-lived (30 days).',
    defaultDays: 30,
    maxDays: 90,
    ca: false,
    sanRequired: false,
    extendedKeyUsage: [OID.kpOcspSigning],
    ocspNoCheck: true,
    keyUsage: () => ['digitalSignature'],
  },
  // Issued once per device at enrollment. It is an ordinary client certificate to everything that
  // reads the bundle; only renewal treats it apart: it may sign a renewal request once the device's
  // management certificate has expired (core/issuance/renewal-checks.ts).
  bootstrap: {
    name: 'bootstrap',
    description: 'Bootstrap client certificate (clientAuth, digitalSignature): issued once per device at enrollment, signs its renewal after the management certificate has expired; 5 years by default (setting).',
    defaultDays: 1825,
    maxDays: 3650,
    ca: false,
    sanRequired: false,
    extendedKeyUsage: [OID.kpClientAuth],
    ocspNoCheck: false,
    keyUsage: () => ['digitalSignature'],
  },
};

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

export function getProfile(name: string): Profile {
  if (!isProfileName(name)) {
    throw new DomainError('PROFILE_UNKNOWN', `There is no profile "${name}"; the profiles are ${PROFILE_NAMES.join(', ')}.`);
  }
  return PROFILES[name];
}
