import Alert from '@mui/material/Alert';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import type { KeyView, RollbackView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { KeyIdChip } from '../../components/KeyIdChip.tsx';
import { shown } from '../../components/shown.ts';

export type KeyAction = 'retire' | 'promote' | 'activate' | 'stage' | 'rollback';

const TITLES: Record<KeyAction, string> = {
  retire: 'Retire key',
  promote: 'Promote key back to trusted',
  activate: 'Activate key',
  stage: 'Stage key',
  rollback: 'Roll back from key',
};

const BUTTON: Record<KeyAction, string> = { retire: 'Retire', promote: 'Promote', activate: 'Activate', stage: 'Stage', rollback: 'Roll back' };

/** At most this many certificates named in the rollback's answer; the rest are counted ("fleet remaining" lists them all). */
const NAMED_LEAVES = 5;

/** The rollback's answer in the CLI's words: who is active again, what the key rolled back from became, and what it issued. */
export function rollbackWords(r: RollbackView): string {
  const head = `Rolled back: ${shown(r.restored.name)} is active again; ${shown(r.steppedBack.name)} is now ${r.steppedBack.state}.`;
  const n = r.issued.length;
  if (n === 0) return head;
  const many = n === 1 ? 'certificate' : 'certificates';
  if (r.steppedBack.state !== 'retired') return `${head} The ${n} live ${many} it issued keep validating: it stays in the trust bundle as a staged key.`;
  const named = r.issued.slice(0, NAMED_LEAVES).map((l) => `${l.serial} (${shown(l.subject)})`);
  const more = n > NAMED_LEAVES ? `, and ${n - NAMED_LEAVES} more` : '';
  return `${head} It issued ${n} live ${many} whose agent${n === 1 ? '' : 's'} must be re-issued under ${shown(r.restored.name)}: ${named.join(', ')}${more}.`;
}

/**
 * One deliberate step on one key: what will happen, then the api call. A
 * refused retire (RETIRE_REFUSED_*) keeps the dialog open with the vault's
 * message and offers a forced retire, which needs a reason for the audit log.
 */
export function KeyActionDialog({ action, k, defaultDays, onClose, onDone }: { action: KeyAction; k: KeyView; defaultDays: number | null; onClose(): void; onDone(detail: string | null): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [reason, setReason] = useState('');
  const [days, setDays] = useState(defaultDays === null ? '' : String(defaultDays));
  // A refused retire, or a staged key the fleet does not trust enough yet, can be forced with a reason.
  const forceOffered = error !== null && ((action === 'retire' && error.code.startsWith('RETIRE_REFUSED')) || (action === 'activate' && error.code === 'READINESS_INCOMPLETE'));
  const [retireOnRollback, setRetireOnRollback] = useState(false);

  const send = () => {
    switch (action) {
      case 'retire':
        return (force: boolean) => call('key.retire', force ? { key: k.id, force: true, reason } : { key: k.id });
      case 'promote':
        return () => call('key.promote', days.trim() === '' ? { key: k.id } : { key: k.id, days: Number(days) });
      case 'activate':
        return (force: boolean) => call('key.activate', force ? { key: k.id, force: true, reason } : { key: k.id });
      case 'stage':
        return () => call('key.stage', { key: k.id });
      case 'rollback':
        throw new Error('a rollback is run on its own, for its answer');
    }
  };

  const run = async (force: boolean) => {
    setBusy(true);
    if (action === 'rollback') {
      const r = await call('key.rollback', { retire: retireOnRollback, ...(reason.trim() ? { reason } : {}) });
      setBusy(false);
      if (r.ok) onDone(rollbackWords(r.value));
      else setError(r);
      return;
    }
    const r = await send()(force);
    setBusy(false);
    if (r.ok) onDone(null);
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
              The key leaves the trust bundle with the next export. Agents that still rely on certificates it issued will stop trusting them. The vault refuses while its trusted window runs or while
              it has remaining certificates: live ones whose agent has no newer certificate from another key (certificates already renewed under another key no longer count). You can then retire
              it anyway, with a reason for the audit log.
            </DialogContentText>
          ) : null}
          {action === 'promote' ? (
            <>
              <DialogContentText>The key returns to the trust bundle as trusted (not active) for the number of days below.</DialogContentText>
              <TextField label="Trusted for (days)" type="number" value={days} onChange={(e) => setDays(e.target.value)} slotProps={{ htmlInput: { min: 1, max: 3650, inputMode: 'numeric' } }} />
            </>
          ) : null}
          {action === 'activate' ? (
            <DialogContentText>
              This key becomes the only active key and signs from now on. The current active key, if any, becomes trusted for the configured trusted window.
              {k.state === 'staged'
                ? ' A staged key is activated only once enough of the known agents have reported a bundle that holds it (the activation readiness setting).'
                : ' Staging it first lets the fleet learn the key in advance.'}
            </DialogContentText>
          ) : null}
          {action === 'stage' ? (
            <DialogContentText>
              The key goes into the trust bundle and the trust anchor as staged, and signs nothing yet. Export it so agents learn it, import their receipts, and activate it when the fleet has it.
            </DialogContentText>
          ) : null}
          {action === 'rollback' ? (
            <>
              <DialogContentText>
                The key this one replaced, still trusted, becomes active again. This key becomes staged: it stays in the trust bundle, so what it issued keeps validating, and signs nothing. Or retire
                it: the agents holding its certificates then need new ones.
              </DialogContentText>
              <FormControlLabel control={<Checkbox checked={retireOnRollback} onChange={(e) => setRetireOnRollback(e.target.checked)} />} label="Retire this key instead of staging it" />
              <TextField label="Reason (for the audit log)" value={reason} onChange={(e) => setReason(e.target.value)} multiline minRows={2} />
            </>
          ) : null}
          {error ? <ApiErrorAlert error={error} title={`${TITLES[action]} was refused`} /> : null}
          {forceOffered ? (
            <>
              <Alert severity="warning">You can {action === 'retire' ? 'retire' : 'activate'} it anyway. The override and your reason are written to the audit log.</Alert>
              <TextField label={`Reason for ${action === 'retire' ? 'retiring' : 'activating'} anyway`} value={reason} onChange={(e) => setReason(e.target.value)} multiline minRows={2} required />
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
            {action === 'retire' ? 'Retire anyway' : 'Activate anyway'}
          </Button>
        ) : (
          <Button color={action === 'retire' ? 'error' : 'primary'} variant="contained" disabled={busy} onClick={() => void run(false)}>
            {BUTTON[action]}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
