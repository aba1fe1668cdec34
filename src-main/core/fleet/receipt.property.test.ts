/**
 * Property: a receipt file is untrusted input. parseReceipt answers every byte string with a
 * receipt or a RECEIPT_MALFORMED / RECEIPT_TOO_LARGE refusal, never anything else; genuine
 * receipts of any serial, digest and time parse to exactly their fields; and a mutation of a
 * genuine receipt that still parses says only what the mutated bytes say.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyMutation, applyByteMutation, applyJsonMutation, refusalOf, type ByteMutation, type JsonMutation } from '../../testing/mutations.ts';
import { MAX_RECEIPT_BYTES, parseReceipt, RECEIPT_TYPE } from './receipt.ts';

const ALLOWED = ['RECEIPT_MALFORMED', 'RECEIPT_TOO_LARGE'];
const hex = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: min, maxLength: max });
const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
const receipt = fc.record({ sha: hex(64, 64), serial: hex(1, 40), at: instant });
const encode = (r: { sha: string; serial: string; at: Date }) =>
  new TextEncoder().encode(JSON.stringify({ type: RECEIPT_TYPE, bundle_sha256: r.sha, agent_serial: r.serial, installed_at: r.at.toISOString() }));

/** A JSON mutation applies to bytes that still are JSON; after a byte mutation broke them, it changes nothing. */
function jsonMutated(bytes: Uint8Array, m: JsonMutation): Uint8Array {
  try {
    return new TextEncoder().encode(applyJsonMutation(new TextDecoder().decode(bytes), m));
  } catch {
    return bytes;
  }
}

describe('parseReceipt', () => {
  it('answers any bytes with a receipt or a receipt refusal', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: MAX_RECEIPT_BYTES + 8 }), (bytes) => {
        const r = refusalOf(() => parseReceipt(bytes, 'r.receipt.json'));
        if (r.refused) expect(ALLOWED).toContain(r.code);
      }),
      { numRuns: 2000 },
    );
  });

  it('parses every genuine receipt to its fields, the serial in the vault\'s canonical form', () => {
    fc.assert(
      fc.property(receipt, (r) => {
        const p = parseReceipt(encode(r), 'r.receipt.json');
        expect(p.bundleSha256).toBe(r.sha.toLowerCase());
        expect(p.installedAt.getTime()).toBe(r.at.getTime());
        const canonical = r.serial.toLowerCase().replace(/^0+/, '') || '0';
        expect(p.agentSerial).toBe(canonical.length % 2 ? '0' + canonical : canonical);
      }),
      { numRuns: 1000 },
    );
  });

  it('a mutated receipt is refused with a receipt code, or parses to what its own bytes say', () => {
    fc.assert(
      fc.property(receipt, fc.array(anyMutation, { minLength: 1, maxLength: 3 }), (r, mutations) => {
        let bytes: Uint8Array = encode(r);
        for (const m of mutations) bytes = m.kind.startsWith('json-') ? jsonMutated(bytes, m as JsonMutation) : applyByteMutation(bytes, m as ByteMutation);
        const out = refusalOf(() => parseReceipt(bytes, 'r.receipt.json'));
        if (out.refused) {
          expect(ALLOWED).toContain(out.code);
          return;
        }
        // It parsed: then the bytes are a strict receipt, and its fields are the bytes' own.
        const doc = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, string>;
        expect(Object.keys(doc).sort()).toEqual(['agent_serial', 'bundle_sha256', 'installed_at', 'type']);
        const value = out.value as ReturnType<typeof parseReceipt>;
        expect(value.bundleSha256).toBe(doc.bundle_sha256!.toLowerCase());
        expect(value.installedAt.toISOString().slice(0, 19)).toBe(new Date(doc.installed_at!).toISOString().slice(0, 19));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a byte order mark, non-UTF-8, a number where a string goes, and one byte too many', () => {
    const good = encode({ sha: 'a'.repeat(64), serial: '01', at: new Date('2026-03-01T00:00:00Z') });
    const code = (b: Uint8Array) => refusalOf(() => parseReceipt(b, 'r'));
    expect(code(new Uint8Array([0xef, 0xbb, 0xbf, ...good]))).toEqual({ refused: true, code: 'RECEIPT_MALFORMED' });
    expect(code(new Uint8Array([...good.subarray(0, 10), 0xff, ...good.subarray(10)]))).toEqual({ refused: true, code: 'RECEIPT_MALFORMED' });
    expect(code(new TextEncoder().encode(new TextDecoder().decode(good).replace('"01"', '1')))).toEqual({ refused: true, code: 'RECEIPT_MALFORMED' });
    expect(code(new Uint8Array(MAX_RECEIPT_BYTES + 1).fill(0x20))).toEqual({ refused: true, code: 'RECEIPT_TOO_LARGE' });
    expect(code(new TextEncoder().encode(new TextDecoder().decode(good).replace('Z"', '+01:00"')))).toEqual({ refused: true, code: 'RECEIPT_MALFORMED' });
    expect(parseReceipt(new TextEncoder().encode(new TextDecoder().decode(good).replace('"01"', '"0A:1B"')), 'r').agentSerial).toBe('0a1b');
  });
});
