import type { CeremonyKitInput } from '../core/ceremony/ceremony-kit.ts';

export const OUT = 'sha256:' + '0123456789abcdef'.repeat(4);
export const IN = 'sha256:' + 'fedcba9876543210'.repeat(3) + 'e58294f2e9a22748';
const HEAD = 'ab'.repeat(32);

/** A sheet's input with plain values: each test changes what it is about. */
export function kitInput(over: Partial<CeremonyKitInput> = {}): CeremonyKitInput {
  return {
    ceremony: 'emergency',
    ca: 'Fleet CA',
    vaultId: 'dd17eb35-0000-4000-8000-000000000000',
    officer: 'Alice Officer',
    witnesses: ['Bob Witness'],
    keys: [
      { role: 'out', name: 'Fleet Root 2025', fingerprint: OUT, subject: 'CN=Fleet Root 2025,O=Acme', algorithm: 'ecdsa-p256' },
      { role: 'in', name: 'Fleet Root 2026', fingerprint: IN, subject: 'CN=Fleet Root 2026,O=Acme', algorithm: 'ecdsa-p384' },
    ],
    auditHead: { seq: 41, hash: HEAD },
    kitEventSeq: 42,
    at: new Date('2026-12-02T13:56:42.123Z'),
    timeZone: 'Europe/Berlin',
    paper: 'a4',
    ...over,
  };
}
