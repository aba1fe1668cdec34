import { describe, expect, it } from 'vitest';
import { foldLine, icsDateTime, icsText, serializeCalendar } from './ics.ts';

const unfold = (s: string) => s.replace(/\r\n /g, '');

describe('iCalendar writer', () => {
  it('folds at 75 octets without splitting a UTF-8 character, and unfolds to the same line', () => {
    const line = `SUMMARY:${'Schlüssel ✓ '.repeat(20)}`;
    const folded = foldLine(line);
    for (const l of folded.split('\r\n')) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
    expect(folded.split('\r\n').slice(1).every((l) => l.startsWith(' '))).toBe(true);
    expect(unfold(folded)).toBe(line);
    expect(Buffer.from(folded, 'utf8').toString('utf8')).toBe(folded);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });

  it('escapes TEXT (backslash, semicolon, comma, line breaks) and drops other controls', () => {
    expect(icsText('a\\b;c,d\r\ne\nf\u0007g\u001bh')).toBe('a\\\\b\\;c\\,d\\ne\\nfgh');
  });

  it('writes UTC date-times in whole seconds and ends every line with CRLF', () => {
    expect(icsDateTime(new Date('2026-12-02T03:04:05.678Z'))).toBe('20261202T030405Z');
    const text = serializeCalendar({
      prodId: '-//Test//EN',
      name: 'n',
      events: [{ uid: 'u@x', stamp: new Date(0), start: new Date(86_400_000), summary: 's', description: 'd', alarmMinutesBefore: 1440, alarmText: 'a' }],
    });
    expect(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text).toContain('\r\nDTSTART:19700102T000000Z\r\n');
    expect(text).toContain('\r\nTRIGGER:-PT1440M\r\n');
    expect(text.split('\r\n').join('').includes('\n')).toBe(false);
  });
});
