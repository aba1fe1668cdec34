import { LocalDateTime } from './LocalDateTime.tsx';
import { messageParts, officerWords } from './officer-words.ts';
import { shown } from './shown.ts';

/**
 * A message from the vault as the officer reads it: shown() (no hidden
 * characters), the command line's instructions in the console's words, and
 * every UTC time in it in local time with the exact UTC on hover.
 */
export function MessageText({ text }: { text: string | null | undefined }) {
  const parts = messageParts(officerWords(shown(text)));
  return (
    <>
      {parts.map((p, i) => ('iso' in p ? <LocalDateTime key={i} iso={p.iso} /> : <span key={i}>{p.text}</span>))}
    </>
  );
}
