/**
 * A bundle receipt from an agent (docs/cli.md, "fleet import-receipts"): untrusted input from
 * a medium, parsed strictly. The file's exact bytes are what the agent signed, so nothing here
 * re-encodes them.
 *
 *   {"type":"airgap-ca.bundle-receipt","bundle_sha256":"<64 hex>",
 *    "agent_serial":"<hex serial of the agent's certificate>","installed_at":"<ISO 8601 UTC>"}
 */
import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { normalizeSerialHex } from '../asn1/serial.ts';

export const RECEIPT_TYPE = 'airgap-ca.bundle-receipt';
/** A receipt is about 200 bytes; 4 KiB leaves room for whitespace and nothing else. */
export const MAX_RECEIPT_BYTES = 4096;
/** The largest signature an agent key makes (RSA 4096: 512 bytes), with room. */
export const MAX_RECEIPT_SIGNATURE_BYTES = 1024;
export const RECEIPT_SUFFIX = '.receipt.json';
export const SIGNATURE_SUFFIX = '.sig';

export interface BundleReceipt {
  bundleSha256: string;
  /** Canonical lowercase hex, as the vault stores serials. */
  agentSerial: string;
  installedAt: Date;
}

const schema = z.strictObject({
  type: z.literal(RECEIPT_TYPE),
  bundle_sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits'),
  // Up to 20 octets (RFC 5280 section 4.1.2.2), optionally with colons as openssl prints them.
  agent_serial: z.string().regex(/^[0-9a-fA-F]{1,40}$|^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){0,19}$/, 'must be the hex serial of the agent certificate'),
  installed_at: z.iso.datetime({ offset: false }),
});

function malformed(name: string, why: string): DomainError {
  return new DomainError('RECEIPT_MALFORMED', `${name} is not a bundle receipt: ${why}. Nothing was stored for it.`);
}

/** Parses a receipt file's bytes. Throws RECEIPT_TOO_LARGE or RECEIPT_MALFORMED, never anything else. */
export function parseReceipt(bytes: Uint8Array, name: string): BundleReceipt {
  if (bytes.length > MAX_RECEIPT_BYTES) {
    throw new DomainError('RECEIPT_TOO_LARGE', `${name} has more than ${MAX_RECEIPT_BYTES} bytes, far more than a receipt; it was not read. Nothing was stored for it.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw malformed(name, 'it is not UTF-8 text');
  }
  if (text.charCodeAt(0) === 0xfeff) throw malformed(name, 'it starts with a byte order mark');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw malformed(name, 'it is not JSON');
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? `"${issue.path.join('.')}" ` : '';
    throw malformed(name, `${where}${issue?.message ?? 'does not match the receipt format'}`.trim());
  }
  const installedAt = new Date(r.data.installed_at);
  if (Number.isNaN(installedAt.getTime())) throw malformed(name, '"installed_at" is not a date');
  const serial = normalizeSerialHex(r.data.agent_serial.replace(/:/g, ''));
  if (serial === null) throw malformed(name, '"agent_serial" is not hex');
  return { bundleSha256: r.data.bundle_sha256.toLowerCase(), agentSerial: serial, installedAt };
}
