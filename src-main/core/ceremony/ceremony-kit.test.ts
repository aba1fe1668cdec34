import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../testing/refusals.ts';
import { IN, kitInput, OUT } from '../../testing/ceremony-kit-fixtures.ts';
import { buildCeremonyKit } from './ceremony-kit.ts';
import { pgpWordsOfHex } from './pgp-words.ts';

describe('buildCeremonyKit', () => {
  it('allows nothing but its own style, by hash: no script, no URL, nothing loaded', () => {
    const { html } = buildCeremonyKit(kitInput());
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(css, 'utf8').digest('base64');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}';`);
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
    expect(html).not.toMatch(/<script|\bsrc=|\bhref=|https?:|url\(|@import|\bon[a-z]+=/i);
    expect(html).not.toMatch(/ style=/);
  });

  it('prints every fingerprint in groups of four with its PGP words, and boxes the last two groups of IN for the read-back', () => {
    const { html, fingerprints } = buildCeremonyKit(kitInput());
    expect(fingerprints.map((f) => [f.role, f.name, f.fingerprint])).toEqual([
      ['out', 'Fleet Root 2025', OUT],
      ['in', 'Fleet Root 2026', IN],
    ]);
    expect(fingerprints[1]!.words.slice(-4)).toEqual(['treadmill', 'Pacific', 'brackish', 'dictator']);
    for (const fp of [OUT, IN]) {
      const hex = fp.slice(7);
      const words = pgpWordsOfHex(hex);
      for (let g = 0; g < 16; g++) expect(html).toContain(`<span class="hex">${hex.slice(4 * g, 4 * g + 4)}</span><span class="w">${words[2 * g]}</span><span class="w">${words[2 * g + 1]}</span>`);
    }
    expect(html.match(/<td class="last">/g)).toHaveLength(2);
    expect(html).toContain('<td class="last"><span class="hex">e9a2</span>');
    expect(html).toContain('“IN key: last 2 groups”): <span class="mono big">e9a2 2748</span> — treadmill Pacific brackish dictator');
  });

  it('prints the audit head, the event that records the sheet, the vault id, local time and UTC, and a signature line per participant', () => {
    const { html } = buildCeremonyKit(kitInput({ witnesses: ['Bob Witness', 'Carol'] }));
    expect(html).toContain('event <span class="mono big">#41</span>');
    expect(html).toContain('<span class="hex">abab</span>');
    expect(html).toContain('audit event <span class="mono">#42</span> (ceremony.kit-written)');
    expect(html).toContain('dd17eb35-0000-4000-8000-000000000000');
    expect(html).toContain('<dd class="mono">2026-12-02 13:56:42 UTC</dd>');
    expect(html).toContain('Wednesday, 2 December 2026 at 14:56:42 CET');
    expect(html.match(/<div class="sig">/g)).toHaveLength(3);
    expect(html).toContain('<p>Officer: Alice Officer</p>');
    expect(html).toContain('<p>Witness: Carol</p>');
  });

  it('leaves two witness lines to fill by hand when no witness was named', () => {
    const { html } = buildCeremonyKit(kitInput({ witnesses: [] }));
    expect(html.match(/<p>Witness: name _+<\/p>/g)).toHaveLength(2);
  });

  it('sets the page size for Letter paper', () => {
    expect(buildCeremonyKit(kitInput({ paper: 'letter' })).html).toContain('@page { size: letter;');
    expect(buildCeremonyKit(kitInput()).html).toContain('@page { size: A4;');
  });

  it('refuses a time zone that is not one, and a fingerprint that is not SHA-256, naming it', () => {
    expect(codeOf(() => buildCeremonyKit(kitInput({ timeZone: 'Mars/Olympus' })))).toBe('INVALID_INPUT');
    expect(() => buildCeremonyKit(kitInput({ keys: [{ role: 'new-root', name: 'R', fingerprint: 'sha256:abcd', subject: null, algorithm: null }] }))).toThrow(/The fingerprint of R is not a SHA-256 fingerprint/);
  });
});
