import { shortHex } from './KeyIdChip.tsx';
import { LocalDateTime } from './LocalDateTime.tsx';
import { messageParts, officerWords } from './officer-words.ts';
import { shown } from './shown.ts';

/**
 * A message from the vault as the officer reads it: shown() (no hidden
 * characters), the command line's instructions in the console's words,
 * every UTC time in it in local time with the exact UTC on hover, and every
 * full key id in groups of four, shortened in the middle (in full on hover).
 */
export function MessageText({ text }: { text: string | null | undefined }) {
  const parts = messageParts(officerWords(shown(text)));
  return (
    <>
      {parts.map((p, i) =>
        'iso' in p ? (
          <LocalDateTime key={i} iso={p.iso} />
        ) : 'id' in p ? (
          <span key={i} title={p.id} data-key-id={p.id}>
            {shortHex(p.id)}
          </span>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}

/** A refusal shown as a field's error (its helper text): the message, and its code kept for the log book. */
export function FieldRefusal({ refusal }: { refusal: { code: string; message: string } }) {
  return (
    <span data-testid="field-refusal" data-code={refusal.code}>
      <MessageText text={refusal.message} />
    </span>
  );
}
