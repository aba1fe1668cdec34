import CheckCircle from '@mui/icons-material/CheckCircle';
import RadioButtonUnchecked from '@mui/icons-material/RadioButtonUnchecked';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemIcon from '@mui/material/ListItemIcon';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useApiAction } from '../../../components/api-action.ts';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert.tsx';
import { EjectMedium } from '../../../components/EjectMedium.tsx';
import { MonoText } from '../../../components/MonoText.tsx';
import { shown } from '../../../components/shown.ts';
import { useAppStore } from '../../../store/index.ts';

/** Whether the witnesses' custodian shares are still missing: the Participants step's Next waits for them. */
export function witnessSharesMissing(c: { useWitnessShares: boolean; witnessShares: { threshold: number; shares: unknown[] } | null }, threshold: number | null): number {
  if (!c.useWitnessShares) return 0;
  const k = c.witnessShares?.threshold ?? threshold ?? 2;
  return Math.max(0, k - (c.witnessShares?.shares.length ?? 0));
}

/**
 * "Confirm with custodian shares" (docs/architecture.md, "Witnesses who prove
 * they were there"): on a quorum vault, K custodians each present their share
 * from their own medium — folder, Read and check, the holder named, Eject,
 * next. The main process reads and holds the shares; this screen sees index,
 * holder and folder only. When the vault requires the shares, the choice is
 * fixed on.
 */
export function WitnessSharesPanel() {
  const status = useAppStore((s) => s.status);
  const settings = useAppStore((s) => s.settings);
  const loadSettings = useAppStore((s) => s.loadSettings);
  const c = useAppStore((s) => s.emergency);
  const patch = useAppStore((s) => s.patchEmergency);
  const log = useAppStore((s) => s.logEmergency);
  const { run, busy, error, setError } = useApiAction();
  const [dir, setDir] = useState('');
  const [justRead, setJustRead] = useState<{ index: number; dir: string; ejected: boolean } | null>(null);
  const headingId = useId();
  const required = settings?.emergencyWitnessShares === true;
  const quorum = status?.unlockMethods.includes('quorum') === true;

  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);
  useEffect(() => {
    if (required && !c.useWitnessShares) patch({ useWitnessShares: true });
  }, [required, c.useWitnessShares, patch]);
  // What the main process still holds (an auto-lock in between gave the shares up).
  useEffect(() => {
    if (!quorum) return;
    void run('vault.witnessShares', {}).then((r) => r.ok && patch({ witnessShares: r.value }));
  }, [quorum, run, patch]);

  // Once the medium is ejected, the keyboard goes on from the next share's folder field, or from the "enough" line (Tab then reaches Next).
  const nextField = useRef<HTMLInputElement>(null);
  const enoughLine = useRef<HTMLDivElement>(null);
  const ejectedNow = justRead?.ejected === true;
  useEffect(() => {
    if (ejectedNow) (nextField.current ?? enoughLine.current)?.focus();
  }, [ejectedNow]);

  if (!quorum) return null;
  const held = c.witnessShares;
  const k = held?.threshold ?? status?.quorumThreshold ?? 2;
  const presented = held?.shares ?? [];
  const missing = Math.max(0, k - presented.length);
  const waitingEject = justRead !== null && !justRead.ejected;

  const present = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run('vault.presentWitnessShare', { dir });
    if (!r.ok) return;
    const added = r.value.shares[r.value.shares.length - 1]!;
    patch({ witnessShares: r.value });
    log('custodian share presented', c.officer ?? '', `share ${added.index} of ${r.value.total} (${added.holder ?? 'holder not recorded'}) read from ${added.dir} and checked against the quorum slot ${r.value.slotId}`);
    setJustRead({ index: added.index, dir: added.dir, ejected: false });
    setDir('');
  };

  const choose = (on: boolean) => {
    if (!on && held) void run('vault.dropWitnessShares', {});
    patch({ useWitnessShares: on, witnessShares: on ? held : null });
    setJustRead(null);
  };

  return (
    <Paper variant="outlined" component="section" aria-labelledby={headingId} sx={{ p: 2 }} data-testid="witness-shares">
      <Typography id={headingId} variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
        Custodian shares
      </Typography>
      <FormControlLabel
        control={<Checkbox checked={c.useWitnessShares} onChange={(e) => choose(e.target.checked)} disabled={required || busy} />}
        label={`Confirm with custodian shares: ${k} custodians each present their share from their own medium`}
      />
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        {required
          ? `This vault requires ${k} custodian shares for an emergency rotation: the shares prove the custodians are here. Each share is checked against the vault and its holder is named in the audit log.`
          : 'Names can be typed by anyone; a share proves its custodian is here. Each share is checked against the vault, and its holder is named in the audit log and the transcript.'}
      </Typography>
      {c.useWitnessShares ? (
        <Stack spacing={1.5}>
          <List dense aria-label="Custodian shares presented" disablePadding>
            {Array.from({ length: Math.max(k, presented.length) }, (_, i) => {
              const s = presented[i];
              return (
                <ListItem key={i} disableGutters data-testid="witness-share-row">
                  <ListItemIcon sx={{ minWidth: 32 }}>{s ? <CheckCircle color="success" fontSize="small" aria-hidden /> : <RadioButtonUnchecked fontSize="small" aria-hidden />}</ListItemIcon>
                  <ListItemText
                    primary={s ? `Share ${s.index} of ${held?.total ?? '?'} — ${s.holder === null ? 'holder not recorded' : `held by ${shown(s.holder)}`}` : `Custodian ${i + 1} of ${k}: not presented yet`}
                    secondary={s ? <>checked against the vault, read from <MonoText>{s.dir}</MonoText></> : null}
                    slotProps={{ secondary: { sx: { overflowWrap: 'anywhere' } } }}
                  />
                </ListItem>
              );
            })}
          </List>
          {justRead ? <EjectMedium
              path={justRead.dir}
              ejected={justRead.ejected}
              onEjected={() => setJustRead({ ...justRead, ejected: true })}
              autoFocus
              why="Eject it and hand it back to its custodian before the next share: one custodian's medium in the machine at a time."
            /> : null}
          {missing > 0 && !waitingEject ? (
            <Box component="form" onSubmit={(e) => void present(e)} aria-label={`Read custodian share ${presented.length + 1}`} noValidate>
              <Typography sx={{ fontWeight: 600, mb: 1 }} data-testid="witness-share-step">
                Insert custodian share medium {presented.length + 1} of {k}
              </Typography>
              <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'flex-start' } }}>
                <TextField
                  label={`Folder on the custodian's medium (share ${presented.length + 1} of ${k})`}
                  value={dir}
                  onChange={(e) => {
                    setDir(e.target.value);
                    setError(null);
                  }}
                  helperText="The folder holding that custodian's one share file."
                  inputRef={nextField}
                  slotProps={{ htmlInput: { spellCheck: false, autoCapitalize: 'off' } }}
                  sx={{ flex: 1 }}
                />
                <Button type="submit" variant="contained" disabled={busy || dir.trim() === ''} sx={{ whiteSpace: 'nowrap', mt: { sm: 1 } }}>
                  {busy ? 'Reading…' : 'Read and check share'}
                </Button>
              </Stack>
            </Box>
          ) : null}
          {missing === 0 ? (
            <Alert severity="success" data-testid="witness-shares-enough" ref={enoughLine} tabIndex={-1}>
              {presented.length} custodian shares presented and checked. They are used once, by the activation on the confirmation step.
            </Alert>
          ) : null}
          {error ? <ApiErrorAlert error={error} title="That share was not accepted" /> : null}
        </Stack>
      ) : null}
    </Paper>
  );
}
