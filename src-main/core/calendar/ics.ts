/**
 * A small iCalendar writer (RFC 5545): one VCALENDAR of VEVENTs, each with
 * one display alarm. Only what the CRL calendar needs: UTC date-times, TEXT
 * values escaped (3.3.11), CRLF line endings and lines folded at 75 octets
 * without splitting a UTF-8 sequence (3.1).
 */

export interface CalendarEvent {
  /** Globally unique and stable for the same deadline, so importing the file again updates the event. */
  uid: string;
  stamp: Date;
  start: Date;
  summary: string;
  description: string;
  /** The alarm fires this many minutes before start. */
  alarmMinutesBefore: number;
  alarmText: string;
}

/** RFC 5545 3.3.5 form 2: UTC, whole seconds. */
export function icsDateTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** RFC 5545 3.3.11: backslash, semicolon and comma escaped, a line break as \n; other controls dropped. */
export function icsText(s: string): string {
  // Controls other than tab are not allowed in a TEXT value (3.1, 3.3.11): line breaks become \n, the rest go.
  const clean = [...s.replace(/\r\n?/g, '\n')].filter((ch) => ch === '\n' || ch === '\t' || (ch >= ' ' && ch !== '\u007f')).join('');
  return clean.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
}

/** RFC 5545 3.1: lines longer than 75 octets (without the CRLF) continue on the next line after CRLF and a space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    // The first line holds 75 octets; a continuation line 74 after its leading space.
    const limit = out.length === 0 ? 75 : 74;
    if (octets + n > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

export function serializeCalendar(c: { prodId: string; name: string; events: readonly CalendarEvent[] }): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${c.prodId}`, 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${icsText(c.name)}`];
  for (const e of c.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `DTSTAMP:${icsDateTime(e.stamp)}`,
      `DTSTART:${icsDateTime(e.start)}`,
      `SUMMARY:${icsText(e.summary)}`,
      `DESCRIPTION:${icsText(e.description)}`,
      'TRANSP:TRANSPARENT',
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      `TRIGGER:-PT${Math.max(0, Math.round(e.alarmMinutesBefore))}M`,
      `DESCRIPTION:${icsText(e.alarmText)}`,
      'END:VALARM',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
