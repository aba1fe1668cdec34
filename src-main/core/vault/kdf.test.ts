import { describe, expect, it } from 'vitest';
import { deriveKek, deriveKekAhead, newKdfParams, OWASP_MINIMUM } from './kdf.ts';

describe('deriveKekAhead (the CLI starts the unlock\'s Argon2id as it starts)', () => {
  // The derivation of another process's run: no head start there.
  const fresh = async (passphrase: string, params: ReturnType<typeof newKdfParams>) => Buffer.from(await deriveKek(passphrase, params)).toString('hex');

  it('the same passphrase and parameters get the key derived ahead: the key a derivation gives', async () => {
    const params = newKdfParams(OWASP_MINIMUM);
    const expected = await fresh('pass phrase one', params);
    deriveKekAhead('pass phrase one', params);
    expect(Buffer.from(await deriveKek('pass phrase one', params)).toString('hex')).toBe(expected);
  });

  it('another passphrase or another slot\'s parameters derive their own key, and the head start stays for its own', async () => {
    const params = newKdfParams(OWASP_MINIMUM);
    const other = newKdfParams(OWASP_MINIMUM);
    const right = await fresh('the right one', params);
    const otherSalt = await fresh('a wrong one', other);
    deriveKekAhead('a wrong one', params);
    expect(Buffer.from(await deriveKek('the right one', params)).toString('hex')).toBe(right);
    expect(Buffer.from(await deriveKek('a wrong one', other)).toString('hex')).toBe(otherSalt);
    expect(Buffer.from(await deriveKek('a wrong one', params)).toString('hex')).toBe(await fresh('a wrong one', params));
    // Taken once: a second unlock with the same passphrase derives again (and gets the same key).
    expect(Buffer.from(await deriveKek('a wrong one', params)).toString('hex')).toBe(await fresh('a wrong one', params));
  });
});
