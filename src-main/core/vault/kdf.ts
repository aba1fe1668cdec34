import { argon2, randomBytes } from 'node:crypto';

/**
 * Argon2id (RFC 9106) from node:crypto. OWASP's minimum is m=19 MiB, t=2, p=1;
 * the default here is far above it (128 MiB, 3 passes: about 0.4 s on the
 * reference 2-core machine, so unlock stays under a second). The parameters
 * live in the header, so a later version can raise them slot by slot.
 */
export interface KdfParams {
  name: 'argon2id';
  memoryKiB: number;
  passes: number;
  parallelism: number;
  salt: string; // base64url, 16 bytes
}

export const OWASP_MINIMUM = { memoryKiB: 19_456, passes: 2, parallelism: 1 } as const;
/**
 * New vaults' passphrase slots: 128 MiB, 3 passes, 4 lanes (RFC 9106 section 4 recommends p = 4). The lanes
 * change no guess's cost (memory × passes is the same work), only how many cores one unlock may use: 0.22 s
 * instead of 0.35 s on two cores (Node runs them on OpenSSL's threads). A vault keeps the cost in its header.
 */
export const DEFAULT_KDF = { memoryKiB: 131_072, passes: 3, parallelism: 4 } as const;
/**
 * Refuse headers asking for absurd work: the header is untrusted until its MAC
 * is checked, which needs the key, so a tampered cost would be paid first.
 * 1 GiB and 10 passes (about 15 s here) still leave room to raise the cost
 * eightfold over the default later.
 */
export const KDF_LIMITS = { maxMemoryKiB: 1_048_576, maxPasses: 10, maxParallelism: 8 } as const;

export type KdfCost = Pick<KdfParams, 'memoryKiB' | 'passes' | 'parallelism'>;

export function newKdfParams(cost: KdfCost = DEFAULT_KDF): KdfParams {
  if (cost.memoryKiB < OWASP_MINIMUM.memoryKiB || cost.passes < OWASP_MINIMUM.passes || cost.parallelism < 1) {
    throw new Error('KDF cost below the OWASP minimum (m=19 MiB, t=2, p=1)');
  }
  return { name: 'argon2id', ...cost, salt: randomBytes(16).toString('base64url') };
}

/** A derivation started before it was asked for (deriveKekAhead), with what it was started from. */
let ahead: { passphrase: string; params: string; kek: Promise<Buffer> } | null = null;

const paramsKey = (p: KdfParams): string => JSON.stringify([p.name, p.salt, p.memoryKiB, p.passes, p.parallelism]);

/**
 * Start the Argon2id derivation of a passphrase before the unlock asks for it (the CLI, as it starts:
 * the derivation runs on the thread pool while the CLI loads). The next deriveKek of the very same
 * passphrase and parameters takes its result (once); any other derivation is its own. The cost is the
 * slot's own: nothing is derived with less.
 */
export function deriveKekAhead(passphrase: string, params: KdfParams): void {
  const kek = argon2id(passphrase, params);
  kek.catch(() => undefined);
  ahead = { passphrase, params: paramsKey(params), kek };
}

export function deriveKek(passphrase: string, params: KdfParams): Promise<Buffer> {
  const a = ahead;
  if (a && a.passphrase === passphrase && a.params === paramsKey(params)) {
    ahead = null;
    return a.kek;
  }
  return argon2id(passphrase, params);
}

function argon2id(passphrase: string, params: KdfParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      'argon2id',
      {
        message: Buffer.from(passphrase.normalize('NFC'), 'utf8'),
        nonce: Buffer.from(params.salt, 'base64url'),
        parallelism: params.parallelism,
        tagLength: 32,
        memory: params.memoryKiB,
        passes: params.passes,
      },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}
