import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CA_SCOPED_OPERATION_NAMES, contract, isCaScoped, OPERATION_NAMES } from './contract.ts';

/** The fields an operation's input object takes. */
function fields(name: (typeof OPERATION_NAMES)[number]): string[] {
  return Object.keys((contract[name].input as unknown as z.ZodObject).shape);
}

describe('the operations of one CA, as the CLI and the console add the CA to them', () => {
  // An export carries a list of CAs (`cas`, every CA with an active key when empty); `ca` is there too so the console can name the one it shows.
  const TAKES_A_LIST_OF_CAS = ['export.preview', 'export.media'];

  it('are exactly the operations whose input takes `ca`, but for the export, which takes a list: the CLI adds --ca to them, the renderer the CA it shows', () => {
    for (const name of OPERATION_NAMES) {
      if (TAKES_A_LIST_OF_CAS.includes(name)) {
        expect(fields(name), name).toEqual(expect.arrayContaining(['cas', 'ca']));
        expect(isCaScoped(name), name).toBe(false);
      } else expect(fields(name).includes('ca'), name).toBe(isCaScoped(name));
    }
  });

  it('include every key, certificate, CRL, bundle and one-CA export operation the audit checkpoint (its signer is a CA\'s key) and the ceremonies (a kit and a transcript are of one CA\'s rotation), and none of the other vault, audit, settings or CA operations', () => {
    expect(CA_SCOPED_OPERATION_NAMES).toEqual(OPERATION_NAMES.filter(isCaScoped));
    for (const name of ['key.list', 'key.create', 'key.compromise', 'cert.list', 'cert.show', 'cert.revoke', 'crl.generate', 'bundle.preview', 'export.emergency', 'export.last', 'audit.checkpoint', 'ceremony.kit', 'ceremony.record', 'fleet.status', 'fleet.importReceipts', 'crl.presign', 'crl.calendar'] as const) {
      expect(CA_SCOPED_OPERATION_NAMES, name).toContain(name);
    }
    for (const name of OPERATION_NAMES.filter((n) => /^(vault|audit|settings|ca|session)\./.test(n) && n !== 'audit.checkpoint')) expect(CA_SCOPED_OPERATION_NAMES, name).not.toContain(name);
  });

  it('refuse a `ca` nowhere else: an operation of the vault rejects it as an unknown field', () => {
    const r = contract['vault.info'].input.safeParse({ ca: 'default' });
    expect(r.success).toBe(false);
    expect(contract['cert.list'].input.safeParse({ ca: 'default' }).success).toBe(true);
  });
});
