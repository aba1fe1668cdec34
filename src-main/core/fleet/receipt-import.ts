/**
 * Importing bundle receipts from a medium (docs/architecture.md, "Bundle versions and fleet
 * receipts"). A receipt is evidence the online side cannot forge for an agent: it is signed by
 * the private key of the agent's own certificate, which this CA issued, and checked against the
 * vault's copy of that certificate. Every file is read through the one untrusted-file reader;
 * each refusal is counted under its own code and nothing is stored for it.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readCertificateFacts } from '../asn1/certificate-reader.ts';
import { DomainError, isDomainError, type ErrorCode } from '../errors.ts';
import { ReadBudget, readUntrustedFile } from '../fs/untrusted-read.ts';
import { checkMediaFolder, safeEntryName } from '../media/untrusted-input.ts';
import type { CertificateStore } from '../store/certificate-store.ts';
import type { FleetStore, ReceiptRecord } from '../store/fleet-store.ts';
import type { ReceiptOutcome } from './fleet-views.ts';
import { MAX_RECEIPT_BYTES, MAX_RECEIPT_SIGNATURE_BYTES, parseReceipt, RECEIPT_SUFFIX, SIGNATURE_SUFFIX } from './receipt.ts';

/** At most this many receipt files in one folder, and these many bytes read in all. */
export const MAX_RECEIPT_FILES = 200_000;
const MAX_FOLDER_BYTES = 256 * 1024 * 1024;

export interface ReceiptCheck {
  dir: string;
  files: ReceiptOutcome[];
  /** What an import stores: the accepted receipts. */
  accepted: ReceiptRecord[];
  duplicates: number;
  refused: Partial<Record<ErrorCode, number>>;
}

function verifyAgentSignature(spki: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    // What `openssl dgst -sha256 -sign` makes for ECDSA and RSA (PKCS#1 v1.5), and `pkeyutl -sign -rawin` for EdDSA.
    const digest = key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256';
    return verify(digest, data, key, signature);
  } catch {
    return false;
  }
}

async function receiptNames(dir: string): Promise<string[]> {
  await checkMediaFolder(dir, `the *${RECEIPT_SUFFIX} files`);
  const names = (await readdir(dir)).filter((n) => n.endsWith(RECEIPT_SUFFIX) && !n.startsWith('.')).sort();
  if (names.length > MAX_RECEIPT_FILES) {
    throw new DomainError('BATCH_TOO_LARGE', `${dir} holds ${names.length} receipt files, more than the ${MAX_RECEIPT_FILES} one import reads; nothing was imported. Split them into several folders.`);
  }
  return names;
}

type Checked = { ok: true; record: ReceiptRecord } | { ok: false; code: ErrorCode; message: string; agentSerial?: string };

async function checkOne(dir: string, name: string, world: { certs: CertificateStore; fleet: FleetStore; now: Date }, budget: ReadBudget): Promise<Checked> {
  const why = safeEntryName(name);
  if (why) return { ok: false, code: 'FILE_REFUSED', message: `"${name}" ${why}; it was not read.` };
  // truncate: a file past the cap is read one byte past it, and the parser names it RECEIPT_TOO_LARGE.
  const bytes = await readUntrustedFile(join(dir, name), { maxBytes: MAX_RECEIPT_BYTES, truncate: true, what: 'receipt', displayName: name, budget });
  const receipt = parseReceipt(bytes, name);
  const sigName = name + SIGNATURE_SUFFIX;
  let signature: Buffer;
  try {
    signature = await readUntrustedFile(join(dir, sigName), { maxBytes: MAX_RECEIPT_SIGNATURE_BYTES, what: 'receipt signature', displayName: sigName, budget });
  } catch (e) {
    if (isDomainError(e) && e.code === 'NOT_FOUND') {
      return { ok: false, code: 'RECEIPT_SIGNATURE_MISSING', message: `${name} has no detached signature ${sigName} beside it; the agent signs the receipt with its own key (openssl dgst -sha256 -sign).`, agentSerial: receipt.agentSerial };
    }
    if (isDomainError(e) && e.code === 'FILE_TOO_LARGE') return { ok: false, code: 'RECEIPT_TOO_LARGE', message: `${sigName} is larger than any signature an agent key makes; it was not read.`, agentSerial: receipt.agentSerial };
    throw e;
  }
  const serial = receipt.agentSerial;
  let cert;
  try {
    cert = world.certs.get(serial);
  } catch (e) {
    if (isDomainError(e) && e.code === 'CERT_NOT_FOUND') {
      return { ok: false, code: 'RECEIPT_UNKNOWN_AGENT', message: `${name} names agent certificate ${serial}, which this CA did not issue.`, agentSerial: serial };
    }
    throw e;
  }
  if (cert.revokedAt) return { ok: false, code: 'RECEIPT_AGENT_REVOKED', message: `${name} is from agent certificate ${serial} (${cert.subject}), revoked on ${cert.revokedAt}.`, agentSerial: serial };
  const at = receipt.installedAt.getTime();
  if (at < new Date(cert.notBefore).getTime() || at > new Date(cert.notAfter).getTime()) {
    return {
      ok: false,
      code: 'RECEIPT_NOT_VALID_AT',
      message: `${name} says the bundle was installed at ${receipt.installedAt.toISOString()}, when agent certificate ${serial} was not valid (${cert.notBefore} to ${cert.notAfter}).`,
      agentSerial: serial,
    };
  }
  const facts = readCertificateFacts(cert.der, `agent certificate ${serial}`);
  if (!verifyAgentSignature(facts.spki, bytes, signature)) {
    return { ok: false, code: 'RECEIPT_BAD_SIGNATURE', message: `${sigName} is not a signature over ${name} by the key of agent certificate ${serial} (${cert.subject}).`, agentSerial: serial };
  }
  const bundle = world.fleet.bundleBySha256(receipt.bundleSha256);
  if (!bundle) {
    return { ok: false, code: 'RECEIPT_UNKNOWN_BUNDLE', message: `${name} names bundle ${receipt.bundleSha256}, which this CA never wrote ("fleet status" shows the current bundle version).`, agentSerial: serial };
  }
  return {
    ok: true,
    record: {
      agentSerial: serial,
      bundleVersion: bundle.version,
      installedAt: receipt.installedAt.toISOString(),
      importedAt: world.now.toISOString(),
      receiptSha256: createHash('sha256').update(bytes).digest('hex'),
    },
  };
}

/**
 * Reads and checks every `*.receipt.json` in `dir` with its `.sig`; stores nothing. A receipt
 * already stored (same agent certificate and bundle version), or twice in the folder, is a
 * duplicate. Throws NOT_FOUND, FILE_REFUSED, INVALID_INPUT (the folder) and BATCH_TOO_LARGE.
 */
export async function checkReceiptFolder(dir: string, world: { certs: CertificateStore; fleet: FleetStore; now: Date }): Promise<ReceiptCheck> {
  const names = await receiptNames(dir);
  const budget = new ReadBudget(MAX_FOLDER_BYTES);
  const out: ReceiptCheck = { dir, files: [], accepted: [], duplicates: 0, refused: {} };
  const seen = new Set<string>();
  for (const name of names) {
    let r: Checked;
    try {
      r = await checkOne(dir, name, world, budget);
    } catch (e) {
      if (!isDomainError(e) || e.code === 'BATCH_TOO_LARGE') throw e;
      r = { ok: false, code: e.code, message: e.message };
    }
    if (!r.ok) {
      out.refused[r.code] = (out.refused[r.code] ?? 0) + 1;
      out.files.push({ file: name, status: 'refused', code: r.code, message: r.message, agentSerial: r.agentSerial ?? null, bundleVersion: null, installedAt: null });
      continue;
    }
    const key = `${r.record.agentSerial}/${r.record.bundleVersion}`;
    const duplicate = seen.has(key) || world.fleet.hasReceipt(r.record.agentSerial, r.record.bundleVersion);
    seen.add(key);
    if (duplicate) out.duplicates++;
    else out.accepted.push(r.record);
    out.files.push({ file: name, status: duplicate ? 'duplicate' : 'accepted', code: null, message: null, agentSerial: r.record.agentSerial, bundleVersion: r.record.bundleVersion, installedAt: r.record.installedAt });
  }
  return out;
}
