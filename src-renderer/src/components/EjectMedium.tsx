import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ExportFileView } from '../../../src-main/api/contract.ts';
import { useEffect, useRef, type RefObject } from 'react';
import { call } from '../api.ts';
import { useApiAction } from './api-action.ts';
import { ApiErrorAlert } from './ApiErrorAlert.tsx';
import { MonoText } from './MonoText.tsx';
import { shown } from './shown.ts';

/** The files every package carries besides its content: they make the count differ from the manifest's. */
const PACKAGE_OWN = ['MANIFEST.json', 'MANIFEST.json.sig', 'SHA256SUMS'];

/**
 * What was written, counted so that it agrees with the verification: the
 * manifest lists the content files; the manifest itself, its signature and
 * SHA256SUMS come on top.
 */
export function writtenCountText(files: readonly Pick<ExportFileView, 'name'>[], verified: boolean): string {
  const own = files.filter((f) => PACKAGE_OWN.includes(f.name.split('/').pop() ?? '')).length;
  const content = files.length - own;
  const extra = own === PACKAGE_OWN.length ? ' + manifest, signature, SHA256SUMS' : own > 0 ? ` + ${own} package files` : '';
  return `${files.length} written = ${content} file${content === 1 ? '' : 's'}${extra}${verified ? '; all verified' : ''}`;
}

/**
 * The mount point of the medium that holds `folder`: the longest of the
 * volumes media.list found that is the folder or contains it (a subfolder
 * typed for a CSR or certificates is on a medium, but media.eject takes the
 * medium's mount point). The folder itself when no volume holds it; the main
 * process then says what is wrong (MEDIA_NOT_FOUND).
 */
export function mediumHolding(folder: string, volumes: readonly string[]): string {
  const bare = (p: string) => p.replace(/[\\/]+$/, '');
  const f = bare(folder.trim());
  const holding = volumes.map(bare).filter((v) => v !== '' && (f === v || f.startsWith(`${v}/`) || f.startsWith(`${v}\\`)));
  return holding.sort((a, b) => b.length - a.length)[0] ?? f;
}

/**
 * The last thing before the medium leaves the machine: Eject through the
 * platform (media.eject, on the medium that holds `path`). Amber "Eject first" until the system has let go of
 * the volume; green "Safe to remove" only after; a busy volume stays amber
 * with the platform's answer (who holds it). `autoFocus`: Eject takes the
 * focus when it appears (the control that had it, a write button, is gone).
 * A refused eject gives the focus back to Eject (it was disabled meanwhile),
 * so Enter tries again once the volume is free; a done one to "Safe to remove"
 * unless `onEjected` moved it on itself. `buttonRef`: the step's own handle on
 * the Eject button, to hand it the focus later (after a second write to the
 * same medium).
 */
export function EjectMedium({ path, ejected, onEjected, why = 'Pulling it out now can lose what was just written.', autoFocus = false, buttonRef }: { path: string; ejected: boolean; onEjected: () => void; why?: string; autoFocus?: boolean; buttonRef?: RefObject<HTMLButtonElement | null> }) {
  const { run, busy, error, busyWhile } = useApiAction();
  // Pressed from the keyboard, the Eject button goes away with the eject: the focus goes to "Safe to remove" (where
  // reading resumes; Tab goes on from there), not to the top of the page. A caller moving it on (the next share's
  // field, Done) does so in its own effect, which runs after this one, or in onEjected (then the focus is elsewhere already).
  const own = useRef<HTMLButtonElement>(null);
  const button = buttonRef ?? own;
  const safe = useRef<HTMLDivElement>(null);
  const refocus = useRef(false);
  useEffect(() => {
    if (!ejected || !refocus.current) return;
    refocus.current = false;
    const at = document.activeElement;
    if (at === null || at === document.body) safe.current?.focus();
  }, [ejected]);
  const eject = () =>
    busyWhile(async () => {
      refocus.current = button.current !== null && button.current === document.activeElement;
      const found = await call('media.list', {});
      const r = await run('media.eject', { path: mediumHolding(path, found.ok ? found.value.media.map((m) => m.path) : []) });
      if (r.ok) onEjected();
      else refocus.current = false;
    });
  useEffect(() => {
    if (error && !busy) button.current?.focus();
  }, [error, busy, button]);
  if (ejected) {
    return (
      <Alert severity="success" data-testid="safe-to-remove" sx={{ mb: 2 }} ref={safe} tabIndex={-1}>
        <AlertTitle>Safe to remove</AlertTitle>
        The system has ejected the medium holding <MonoText>{path}</MonoText>. You can pull it out now.
      </Alert>
    );
  }
  return (
    <Stack spacing={1} sx={{ mb: 2 }}>
      <Alert
        severity="warning"
        data-testid="eject-first"
        action={
          <Button ref={button} variant="contained" onClick={() => void eject()} disabled={busy} autoFocus={autoFocus} sx={{ whiteSpace: 'nowrap' }}>
            {busy ? 'Ejecting…' : 'Eject'}
          </Button>
        }
      >
        <AlertTitle>Eject first</AlertTitle>
        <Typography variant="body2" component="span">
          The medium holding <MonoText>{shown(path)}</MonoText> is still mounted. {why}
        </Typography>
      </Alert>
      {error ? <ApiErrorAlert error={error} title={error.code === 'MEDIA_BUSY' ? 'Not ejected: the medium is in use' : 'Not ejected'} /> : null}
    </Stack>
  );
}
