/**
 * Certificate serial numbers. RFC 5280 section 4.1.2.2: a positive integer,
 * unique per issuer, at most 20 octets; the CA/Browser Forum baseline asks
 * for at least 64 bits from a CSPRNG. We use 16 random octets with the top
 * bit cleared (so the INTEGER is positive without a leading zero octet) and
 * the next bit set (so it never shrinks to fewer octets): 126 random bits.
 */
import { randomBytes } from 'node:crypto';
import { toHex } from '../asn1/bytes.ts';

/** A fresh serial number as lowercase hex (docs/cli.md: serial numbers are lowercase hex). */
export function randomSerialHex(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] as number) & 0x7f) | 0x40;
  return toHex(b);
}
