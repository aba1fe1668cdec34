/**
 * No text from the vault or the officer breaks out of the sheet's markup:
 * whatever the names, subjects, witnesses, CA name or vault id hold, the
 * sheet has the same elements in the same order as with plain names, every
 * tag is well formed with quoted attributes free of quotes and angle
 * brackets, and each text appears escaped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCeremonyKit, escapeHtml, type CeremonyKitInput } from './ceremony-kit.ts';
import { kitInput } from '../../testing/ceremony-kit-fixtures.ts';

const TAG = /<[^>]*>/g;
const WELL_FORMED = /^<(!DOCTYPE html|\/?[a-z][a-z0-9]*(?: [a-z-]+="[^"<>]*")*)>$/;

function tagNames(html: string): string[] {
  return (html.match(TAG) ?? []).map((t) => /^<\/?[!a-zA-Z0-9]+/.exec(t)![0]);
}

/** Strings that try: markup, quotes, entities, CSS and comment ends, control and bidi characters, any Unicode. */
const hostile = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('</style><script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' onmouseover='x", '<!--', '-->', '&amp;', ']]>', '</title>', '\u202egpj.exe', '\u001b[2J', '<', '>'),
  fc.array(fc.constantFrom('<', '>', '"', "'", '&', '/', '=', ' ', 'a', '\n', '\u0000'), { maxLength: 30 }).map((a) => a.join('')),
);

const kits = fc.record({
  ca: hostile,
  vaultId: hostile,
  officer: hostile,
  witnesses: fc.array(hostile, { minLength: 2, maxLength: 3 }),
  outName: hostile,
  inName: hostile,
  subject: fc.option(hostile, { nil: null }),
  algorithm: fc.option(hostile, { nil: null }),
});

describe('buildCeremonyKit: escaping, property', () => {
  it('keeps the markup of plain names whatever the texts hold', () => {
    const plain = (n: number): CeremonyKitInput => kitInput({ witnesses: Array.from({ length: n }, (_, i) => `Witness ${i}`) });
    fc.assert(
      fc.property(kits, (t) => {
        const base = kitInput();
        const input: CeremonyKitInput = {
          ...base,
          ca: t.ca,
          vaultId: t.vaultId,
          officer: t.officer,
          witnesses: t.witnesses,
          keys: [
            { ...base.keys[0]!, name: t.outName, subject: t.subject, algorithm: t.algorithm },
            { ...base.keys[1]!, name: t.inName, subject: t.subject, algorithm: t.algorithm },
          ],
        };
        const { html } = buildCeremonyKit(input);
        const expected = buildCeremonyKit({ ...plain(t.witnesses.length), keys: input.keys.map((k) => ({ ...k, name: 'Key', subject: k.subject === null ? null : 'CN=x', algorithm: k.algorithm === null ? null : 'ecdsa-p256' })) }).html;
        expect(tagNames(html)).toEqual(tagNames(expected));
        for (const tag of html.match(TAG) ?? []) expect(tag).toMatch(WELL_FORMED);
        expect(html).not.toMatch(/<script/i);
        for (const text of [t.ca, t.officer, t.inName, t.outName, ...t.witnesses]) expect(html).toContain(escapeHtml(text));
        // eslint-disable-next-line no-control-regex -- an escaped text holds no control character: that is the point
        expect(escapeHtml(t.officer)).not.toMatch(/[<>"'\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      }),
      { numRuns: 300 },
    );
  });
});
