import CheckCircle from '@mui/icons-material/CheckCircle';
import RadioButtonUnchecked from '@mui/icons-material/RadioButtonUnchecked';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { HeldSharesView, SharesReleased } from '../../../src-main/api/contract.ts';
import { useApiAction } from '../components/api-action.ts';
import { ApiErrorAlert } from '../components/ApiErrorAlert.tsx';
import { EjectMedium } from '../components/EjectMedium.tsx';
import { MonoText } from '../components/MonoText.tsx';
import { shown } from '../components/shown.ts';
import { useAppStore } from '../store/index.ts';

type Share = HeldSharesView['shares'][number];

function shareName(s: Pick<Share, 'index' | 'holder'>, total: number): string {
  return `share ${s.index} of ${total}${s.holder ? ` (holder ${shown(s.holder)})` : ''}`;
}

function capital(t: string): string {
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** What stopping now would mean, said before the officer confirms (the api says it again after). */
function stopMeaning(view: HeldSharesView): string {
  const written = view.shares.filter((s) => s.written).length;
  if (written >= view.threshold) return `The quorum will still open the vault with any ${view.threshold} of the ${written} shares written, but it tolerates fewer lost shares.`;
  return `Only ${written} share${written === 1 ? ' is' : 's are'} written, fewer than the ${view.threshold} needed: this quorum slot could never open the vault.`;
}

/**
 * A new quorum's shares, written one medium at a time (docs/architecture.md,
 * "Custodian shares, one medium each"): insert the medium for share i, write
 * and verify, eject, next. The shares stay in the main process; this screen
 * sees only which share is for whom and where it went. Stopping early names
 * the shares given up and what that means for the quorum.
 */
export function ShareDelivery() {
  const held = useAppStore((s) => s.heldShares);
  const setHeld = useAppStore((s) => s.setHeldShares);
  const loadHeld = useAppStore((s) => s.loadHeldShares);
  const { run, busy, error, setError } = useApiAction();
  const [dir, setDir] = useState('');
  const [justWritten, setJustWritten] = useState<{ index: number; file: string; dir: string; ejected: boolean } | null>(null);
  const [confirmStop, setConfirmStop] = useState(false);
  const [released, setReleased] = useState<SharesReleased | null>(null);
  const headingId = useId();
  // Once the medium is ejected, the keyboard goes on from the next share's folder field, or from Finish after the last share.
  const nextField = useRef<HTMLInputElement>(null);
  const finishButton = useRef<HTMLButtonElement>(null);
  const ejectedNow = justWritten?.ejected === true;
  useEffect(() => {
    if (ejectedNow) (nextField.current ?? finishButton.current)?.focus();
  }, [ejectedNow]);

  useEffect(() => {
    void loadHeld();
  }, [loadHeld]);

  if (released) {
    const complete = released.discarded.length === 0;
    return (
      <Box sx={{ mb: 3 }}>
        <Alert
          severity={complete ? 'success' : released.canUnlock ? 'warning' : 'error'}
          data-testid="shares-delivery-result"
          action={
            <Button color="inherit" onClick={() => setReleased(null)} autoFocus>
              Done
            </Button>
          }
        >
          <AlertTitle>{complete ? 'Every custodian share is written, each on its own medium' : `${released.discarded.length} of ${released.total} shares not written`}</AlertTitle>
          <Box component="ul" sx={{ m: 0, mb: 1, pl: 2.5 }}>
            {released.shares.map((s) => (
              <li key={s.index}>
                {capital(shareName(s, released.total))}: {s.file ? <MonoText>{s.file}</MonoText> : <strong>not written — gone</strong>}
              </li>
            ))}
          </Box>
          {released.meaning}
        </Alert>
      </Box>
    );
  }
  if (!held) return null;

  const next = held.shares.find((s) => !s.written) ?? null;
  const writtenCount = held.shares.filter((s) => s.written).length;
  const waitingEject = justWritten !== null && !justWritten.ejected;

  const write = async (e: FormEvent) => {
    e.preventDefault();
    if (!next) return;
    const r = await run('vault.writeShare', { index: next.index, dir });
    if (!r.ok) return;
    setHeld(r.value.held);
    setJustWritten({ index: next.index, file: r.value.file, dir, ejected: false });
    setDir('');
  };

  const release = async () => {
    setConfirmStop(false);
    const r = await run('vault.releaseShares', {});
    if (!r.ok) return;
    setHeld(null);
    setJustWritten(null);
    setReleased(r.value);
  };

  const unwritten = held.shares.filter((s) => !s.written);

  return (
    <Paper variant="outlined" component="section" aria-labelledby={headingId} sx={{ p: 3, mb: 3 }} data-testid="share-delivery">
      <Typography id={headingId} variant="h2" sx={{ fontSize: '1.25rem', fontWeight: 600, mb: 1 }}>
        Write the custodian shares, one medium each
      </Typography>
      <Typography variant="body2" sx={{ mb: 2 }}>
        Any {held.threshold} of the {held.total} shares unlock the vault. Each share goes on its own medium for its holder; the shares are kept in this program until they are written, and are gone if the vault locks first.
      </Typography>
      <List dense aria-label="Custodian shares" sx={{ mb: 1 }}>
        {held.shares.map((s) => (
          <ListItem key={s.index} disableGutters data-testid="share-row">
            <ListItemIcon sx={{ minWidth: 32 }}>
              {s.written ? <CheckCircle color="success" fontSize="small" aria-hidden /> : <RadioButtonUnchecked fontSize="small" aria-hidden />}
            </ListItemIcon>
            <ListItemText
              primary={capital(shareName(s, held.total))}
              secondary={s.written ? <>written and verified: <MonoText>{s.file ?? ''}</MonoText></> : 'not written yet'}
              slotProps={{ secondary: { sx: { overflowWrap: 'anywhere' } } }}
            />
          </ListItem>
        ))}
      </List>

      {justWritten ? (
        <Stack spacing={1}>
          {waitingEject ? (
            <Alert severity="success" data-testid="share-written">
              {capital(shareName(held.shares[justWritten.index - 1]!, held.total))} written and read back: <MonoText>{justWritten.file}</MonoText>
            </Alert>
          ) : null}
          {/* The write form is gone once a share is written: the keyboard goes on from Eject, then from the next share's folder (or Finish). */}
          <EjectMedium path={justWritten.dir} ejected={justWritten.ejected} onEjected={() => setJustWritten({ ...justWritten, ejected: true })} autoFocus />
        </Stack>
      ) : null}

      {next && !waitingEject ? (
        <Box component="form" onSubmit={(e) => void write(e)} aria-label={`Write share ${next.index}`} noValidate sx={{ mt: justWritten ? 1 : 0 }}>
          <Typography variant="h3" sx={{ fontSize: '1.05rem', fontWeight: 600, mb: 1 }} data-testid="share-step">
            Insert the medium for {shareName(next, held.total)}
          </Typography>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'flex-start' } }}>
            <TextField
              label={`Folder on the medium for share ${next.index}`}
              value={dir}
              onChange={(e) => {
                setDir(e.target.value);
                setError(null);
              }}
              helperText="A folder on that medium only; it must not hold another share of this quorum."
              inputRef={nextField}
              slotProps={{ htmlInput: { spellCheck: false, autoCapitalize: 'off' } }}
              sx={{ flex: 1 }}
            />
            <Button type="submit" variant="contained" disabled={busy || dir.trim() === ''} sx={{ whiteSpace: 'nowrap', mt: { sm: 1 } }}>
              {busy ? 'Writing…' : `Write and verify share ${next.index}`}
            </Button>
          </Stack>
        </Box>
      ) : null}

      {error ? <ApiErrorAlert error={error} title={next ? `Share ${next.index} was not written` : 'Not done'} /> : null}

      <Stack direction="row" spacing={1} sx={{ mt: 2 }}>
        {next ? (
          <Button color="error" variant="outlined" onClick={() => setConfirmStop(true)} disabled={busy}>
            Stop writing shares…
          </Button>
        ) : (
          <Button variant="contained" onClick={() => void release()} disabled={busy || waitingEject} ref={finishButton}>
            Finish: all {held.total} shares written
          </Button>
        )}
        <Typography variant="body2" sx={{ alignSelf: 'center' }} role="status">
          {writtenCount} of {held.total} written
        </Typography>
      </Stack>

      {confirmStop ? (
        <Dialog open onClose={() => setConfirmStop(false)} aria-labelledby="stop-shares-title">
          <DialogTitle id="stop-shares-title">Stop with {unwritten.length} share{unwritten.length === 1 ? '' : 's'} not written?</DialogTitle>
          <DialogContent>
            <DialogContentText component="div">
              These shares will be gone — no one will ever hold them:
              <Box component="ul" sx={{ my: 1, pl: 2.5 }}>
                {unwritten.map((s) => (
                  <li key={s.index}>{capital(shareName(s, held.total))}</li>
                ))}
              </Box>
              {stopMeaning(held)} This is recorded in the audit log.
            </DialogContentText>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setConfirmStop(false)} autoFocus>
              Keep writing
            </Button>
            {/* The theme gives red contained buttons a deeper red on the dark scheme (contrast). */}
            <Button color="error" variant="contained" onClick={() => void release()}>
              Stop and give up {unwritten.length} share{unwritten.length === 1 ? '' : 's'}
            </Button>
          </DialogActions>
        </Dialog>
      ) : null}
    </Paper>
  );
}
