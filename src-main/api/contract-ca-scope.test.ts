import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CA_SCOPED_OPERATION_NAMES, contract, isCaScoped, OPERATION_NAMES } from './contract.ts';

/** The fields an operation's input object takes. */
function fields(name: (typeof OPERATION_NAMES)[number]): string[] {
  return Object.keys((contract[name].input as unknown as z.ZodObject).shape);
}

describe('the operations of one CA, as the CLI and the console add the CA to them', () => {
  it('are exactly the operations whose input takes `ca`: the CLI adds --ca to them, the renderer the CA it shows', () => {
    for (const name of OPERATION_NAMES) expect(fields(name).includes('ca'), name).toBe(isCaScoped(name));
  });

  it('include every key, certificate, CRL, bundle and export operation, and none of the vault, audit, settings or CA operations', () => {
    expect(CA_SCOPED_OPERATION_NAMES).toEqual(OPERATION_NAMES.filter(isCaScoped));
    for (const name of ['key.list', 'key.create', 'key.compromise', 'cert.list', 'cert.show', 'cert.revoke', 'crl.generate', 'bundle.preview', 'export.media', 'export.last'] as const) {
      expect(CA_SCOPED_OPERATION_NAMES, name).toContain(name);
    }
    for (const name of OPERATION_NAMES.filter((n) => /^(vault|audit|settings|ca|session)\./.test(n))) expect(CA_SCOPED_OPERATION_NAMES, name).not.toContain(name);
  });

  it('refuse a `ca` nowhere else: an operation of the vault rejects it as an unknown field', () => {
    const r = contract['vault.info'].input.safeParse({ ca: 'default' });
    expect(r.success).toBe(false);
    expect(contract['cert.list'].input.safeParse({ ca: 'default' }).success).toBe(true);
  });
});
