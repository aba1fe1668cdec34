const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** A time of day to the second in the officer's locale (ceremony transcripts: steps minutes apart); the exact UTC time on hover. */
export function LocalTimeOfDay({ iso }: { iso: string }) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return <span>{iso}</span>;
  return (
    <time dateTime={d.toISOString()} title={`${d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '')} UTC`}>
      {timeFormat.format(d)}
    </time>
  );
}
