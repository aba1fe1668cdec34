const DAY_MS = 86_400_000;

/** "12 days left", "less than a day left", "ended": display only; the api decides what the window means. */
export function timeLeftText(iso: string | null, now: number = Date.now()): string {
  if (!iso) return '';
  const ms = new Date(iso).getTime() - now;
  if (Number.isNaN(ms)) return '';
  if (ms <= 0) return 'window ended';
  const days = Math.floor(ms / DAY_MS);
  if (days === 0) return 'less than a day left';
  return `${days} day${days === 1 ? '' : 's'} left`;
}
