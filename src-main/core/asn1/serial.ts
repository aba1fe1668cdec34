/**
 * Certificate serial numbers (RFC 5280 4.1.2.2): positive, at most 20 octets,
 * unique per issuer. We draw 128 random bits and clear the top one, so the
 * INTEGER is positive without a sign octet and carries 127 bits of entropy
 * (CA/Browser Forum BR 7.1 asks for at least 64). Roots and link
 * certificates take a fixed-width variant (top bit clear, next bit set) so
 * the serial never shrinks to fewer octets: 126 random bits.
 */
import { randomFillSync } from 'node:crypto';

const SERIAL_BYTES = 16;
const POOL_SERIALS = 256;
// randomFillSync per certificate costs a syscall-sized overhead; a pool amortizes it.
const pool = Buffer.alloc(SERIAL_BYTES * POOL_SERIALS);
let next = POOL_SERIALS;

/**
 * A source of random octets. Production uses the pooled CSPRNG below; tests
 * inject a fixed one so a whole TBSCertificate can be a golden vector.
 */
export type RandomBytes = (size: number) => Uint8Array;

function poolOctets(): Buffer {
  if (next === POOL_SERIALS) {
    randomFillSync(pool);
    next = 0;
  }
  const octets = Buffer.from(pool.subarray(next * SERIAL_BYTES, (next + 1) * SERIAL_BYTES));
  next++;
  return octets;
}

function drawOctets(random: RandomBytes | undefined): Buffer {
  if (!random) return poolOctets();
  const octets = Buffer.from(random(SERIAL_BYTES));
  if (octets.length !== SERIAL_BYTES) throw new RangeError(`the random source gave ${octets.length} octets, not ${SERIAL_BYTES}`);
  return octets;
}

/** A leaf's serial magnitude: 127 random bits, at least 64 of them significant. */
export function randomSerial(random?: RandomBytes): Buffer {
  for (;;) {
    const serial = drawOctets(random);
    serial[0] = (serial[0] as number) & 0x7f;
    // Keep at least 64 significant bits: redraw when the top 8 octets are all zero (p = 2^-63).
    if (serial.readBigUInt64BE(0) !== 0n) return serial;
  }
}

/** A root's or link certificate's serial magnitude: always 16 octets (top bit clear, next bit set). */
export function fixedWidthSerial(random?: RandomBytes): Buffer {
  const b = drawOctets(random);
  b[0] = ((b[0] as number) & 0x7f) | 0x40;
  return b;
}

/** Canonical lowercase hex of a serial magnitude: no leading zero octets, even length. */
export function serialToHex(magnitude: Uint8Array): string {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  return Buffer.from(magnitude.buffer, magnitude.byteOffset + start, magnitude.length - start).toString('hex');
}

/** Normalize a serial given as hex (any case, optional leading zeros or odd length) to canonical form; null when it is not hex. */
export function normalizeSerialHex(hex: string): string | null {
  if (!/^[0-9a-fA-F]{1,80}$/.test(hex)) return null;
  let h = hex.toLowerCase().replace(/^0+/, '');
  if (h === '') h = '0';
  return h.length % 2 ? '0' + h : h;
}
