/**
 * A progress bar on stderr for long work (batch issuance, CRLs at scale,
 * exports): drawn only when stderr is a terminal and the output is not
 * --json, redrawn only when the whole percentage changes, so a script or a
 * pipe never sees it and a terminal is not flooded.
 */
import type { ProgressEvent } from '../api/contract/common.ts';
import type { CliContext } from './context.ts';

const WIDTH = 24;

/** `label [########----------------]  33% 660/2000 (item)` */
export function progressLine(label: string, ev: ProgressEvent): string {
  const ratio = ev.total > 0 ? Math.min(1, ev.done / ev.total) : 1;
  const filled = Math.round(ratio * WIDTH);
  const pct = String(Math.floor(ratio * 100)).padStart(3);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${pct}% ${ev.done}/${ev.total}${ev.item ? ` ${ev.item}` : ''}`;
}

/** Shows the session's progress events for `label` until the returned function is called. */
export function showProgress(ctx: CliContext, label: string, stream: NodeJS.WriteStream = process.stderr): () => void {
  if (ctx.opts.json || !stream.isTTY) return () => undefined;
  let last = '';
  let drawn = false;
  ctx.service.session.onProgress = (ev) => {
    const line = progressLine(label, ev);
    const key = `${line.slice(0, label.length + WIDTH + 8)}${ev.item ?? ''}`;
    if (key === last) return;
    last = key;
    drawn = true;
    stream.write(`\r${line}\u001b[K`);
  };
  return () => {
    ctx.service.session.onProgress = null;
    if (drawn) stream.write('\n');
  };
}
