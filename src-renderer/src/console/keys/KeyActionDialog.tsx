import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import type { KeyView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { KeyIdChip } from '../../components/KeyIdChip.tsx';
import { shown } from '../../components/shown.ts';

export type KeyAction = 'retire' | 'promote' | 'activate';

const TITLES: Record<KeyAction, string> = {
  retire: 'Retire key',
  promote: 'Promote key back to trusted',
  activate: 'Activate key',
};

/**
 * One deliberate step on one key: what will happen, then the api call. A
 * refused retire (RETIRE_REFUSED_*) keeps the dialog open with the api's
 * message and offers a forced retire, which needs a reason for the audit log.
 */
export function KeyActionDialog({ action, k, defaultDays, onClose, onDone }: { action: KeyAction; k: KeyView; defaultDays: number | null; onClose(): void; onDone(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [reason, setReason] = useState('');
  const [days, setDays] = useState(defaultDays === null ? '' : String(defaultDays));
  const forceOffered = action === 'retire' && error !== null && error.code.startsWith('RETIRE_REFUSED');

  const run = async (force: boolean) => {
    setBusy(true);
    const r =
      action === 'retire'
        ? await call('key.retire', force ? { key: k.id, force: true, reason } : { key: k.id })
        : action === 'promote'
          ? await call('key.promote', days.trim() === '' ? { key: k.id } : { key: k.id, days: Number(days) })
          : await call('key.activate', { key: k.id });
    setBusy(false);
    if (r.ok) onDone();
    else setError(r);
  };

  return (
    <Dialog open onClose={busy ? undefined : onClose} aria-labelledby="key-action-title" fullWidth maxWidth="sm">
      <DialogTitle id="key-action-title">
        {TITLES[action]}: {shown(k.name)}
      </DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <KeyIdChip id={k.id} name={k.name} />
          {action === 'retire' ? (
            <DialogContentText>
              The key leaves the trust bundle with the next export. Agents that still rely on certificates it issued will stop trusting them. The api refuses while its trusted window runs or while
              certificates it issued are valid.
            </DialogContentText>
          ) : null}
          {action === 'promote' ? (
            <>
              <DialogContentText>The key returns to the trust bundle as trusted (not active) for the number of days below.</DialogContentText>
              <TextField label="Trusted for (days)" type="number" value={days} onChange={(e) => setDays(e.target.value)} slotProps={{ htmlInput: { min: 1, max: 3650, inputMode: 'numeric' } }} />
            </>
          ) : null}
          {action === 'activate' ? (
            <DialogContentText>This key becomes the only active key and signs from now on. The current active key, if any, becomes trusted for the configured trusted window.</DialogContentText>
          ) : null}
          {error ? <ApiErrorAlert error={error} title={`${TITLES[action]} was refused`} /> : null}
          {forceOffered ? (
            <>
              <Alert severity="warning">You can retire it anyway. The override and your reason are written to the audit log.</Alert>
              <TextField label="Reason for retiring anyway" value={reason} onChange={(e) => setReason(e.target.value)} multiline minRows={2} required />
            </>
          ) : null}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        {forceOffered ? (
          <Button color="error" variant="contained" disabled={busy || reason.trim() === ''} onClick={() => void run(true)}>
            Retire anyway
          </Button>
        ) : (
          <Button color={action === 'retire' ? 'error' : 'primary'} variant="contained" disabled={busy} onClick={() => void run(false)}>
            {action === 'retire' ? 'Retire' : action === 'promote' ? 'Promote' : 'Activate'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
