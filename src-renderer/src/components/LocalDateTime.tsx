const localFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function utcText(d: Date): string {
  return `${d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '')} UTC`;
}

/** A date in the officer's locale; the exact UTC time on hover (title) and for machines (dateTime). */
export function LocalDateTime({ iso }: { iso: string }) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return <span>{iso}</span>;
  return (
    <time dateTime={d.toISOString()} title={utcText(d)}>
      {localFormat.format(d)}
    </time>
  );
}

/** " · valid until <date>" after a key's other facts; nothing for a key without a certificate. */
export function ValidUntil({ iso }: { iso: string | null }) {
  return iso ? (
    <>
      {' · valid until '}
      <LocalDateTime iso={iso} />
    </>
  ) : null;
}
