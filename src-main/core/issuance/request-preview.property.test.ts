/**
 * Property: the preview of a request never crashes on what a request may ask
 * for. describeExtension reads basicConstraints, keyUsage and extKeyUsage
 * values from untrusted requests: any bytes end in words (a detail, or "could
 * not be read"), never an exception. previewRequest on a damaged request ends
 * in the intake's CSR_* DomainError or a preview.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { OID } from '../asn1/oids.ts';
import { makeCsr } from '../../testing/issuance-fixtures.ts';
import { describeExtension, previewRequest } from './request-preview.ts';

describe('request preview on untrusted input', () => {
  it('describes any extension value without throwing', () => {
    const ids = fc.constantFrom(OID.basicConstraints, OID.keyUsage, OID.extKeyUsage, OID.subjectAltName, '1.2.3.4');
    fc.assert(
      fc.property(ids, fc.boolean(), fc.uint8Array({ maxLength: 64 }), (id, critical, value) => {
        const d = describeExtension({ id, critical, explicitFalse: false, value });
        expect(d.oid).toBe(id);
        expect(d.critical).toBe(critical);
        expect(d.detail === null || typeof d.detail === 'string').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads basicConstraints as asked: CA yes with its path length, CA no', () => {
    // SEQUENCE { BOOLEAN TRUE, INTEGER 2 } and an empty SEQUENCE (cA defaults to FALSE).
    expect(describeExtension({ id: OID.basicConstraints, critical: true, explicitFalse: false, value: Uint8Array.from([0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x02]) }).detail).toBe('CA: yes, path length 2');
    expect(describeExtension({ id: OID.basicConstraints, critical: false, explicitFalse: false, value: Uint8Array.from([0x30, 0x00]) }).detail).toBe('CA: no');
  });

  it('a mutated request ends in a CSR_* refusal or a preview, never another exception', () => {
    const csr = makeCsr('p256', 'agent-7', { dns: ['agent-7.example'], ip: [], email: [], uri: [] });
    expect(previewRequest(csr)).toMatchObject({ subject: 'CN=agent-7,O=Acme Fleet,C=DE', sans: ['DNS:agent-7.example'], asksForCa: false });
    fc.assert(
      fc.property(fc.nat({ max: csr.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const bad = Uint8Array.from(csr);
        bad[at] = byte;
        try {
          const p = previewRequest(bad);
          expect(typeof p.subject).toBe('string');
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
          expect((e as DomainError).code).toMatch(/^(CSR_|SUBJECT_)/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
