import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { SlotInfo } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { MonoText } from '../../components/MonoText.tsx';
import { PassphraseField } from '../../components/PassphraseField.tsx';
import { holdersOf, QuorumFields, type QuorumDraft } from '../../components/QuorumFields.tsx';
import { useAppStore } from '../../store/index.ts';
import { shown } from '../../components/shown.ts';
import { refusalApart, refusalAt } from '../../components/field-refusal.ts';

export function slotText(s: SlotInfo): string {
  const kind = s.type === 'quorum' ? `Custodian quorum, ${s.threshold ?? '?'} of ${s.total ?? '?'}` : 'Passphrase';
  // Default labels repeat the kind ("passphrase", "custodians 2 of 3"); show only labels an officer chose.
  const defaultLabel = s.type === 'quorum' ? `custodians ${s.threshold} of ${s.total}` : 'passphrase';
  return s.label && s.label !== defaultLabel ? `${kind} (“${shown(s.label)}”)` : kind;
}

type Adding = 'none' | 'passphrase' | 'quorum';

/** The vault's key slots: add a passphrase or a custodian quorum, remove one (the api refuses the last). */
export function KeySlotsPanel() {
  const info = useAppStore((s) => s.vaultInfo);
  const loadVaultInfo = useAppStore((s) => s.loadVaultInfo);
  const [adding, setAdding] = useState<Adding>('none');
  const [label, setLabel] = useState('');
  const [pass, setPass] = useState('');
  const [confirm, setConfirm] = useState('');
  const [quorum, setQuorum] = useState<QuorumDraft>({ threshold: '2', total: '3', holders: [] });
  const [removing, setRemoving] = useState<SlotInfo | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const passphraseRefusal = refusalAt(error, 'newPassphrase');
  const [notice, setNotice] = useState<string | null>(null);
  const setHeldShares = useAppStore((s) => s.setHeldShares);
  const holding = useAppStore((s) => s.heldShares !== null);
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setAdding('none');
    setLabel('');
    setPass('');
    setConfirm('');
    setError(null);
  };

  const startAdding = (what: Adding) => {
    setAdding(what);
    setNotice(null);
    setError(null);
  };

  const addPassphrase = async () => {
    setBusy(true);
    const r = await call('vault.addPassphraseSlot', { passphrase: pass, label: label.trim() === '' ? 'passphrase' : label });
    setBusy(false);
    if (!r.ok) {
      setError(r);
      return;
    }
    reset();
    setNotice('Passphrase slot added.');
    await loadVaultInfo();
  };

  const addQuorum = async () => {
    setBusy(true);
    const r = await call('vault.addQuorumSlot', { threshold: Number(quorum.threshold), total: Number(quorum.total), ...holdersOf(quorum), ...(label.trim() ? { label } : {}) });
    setBusy(false);
    if (!r.ok) {
      setError(r);
      return;
    }
    reset();
    setHeldShares(r.value.heldShares);
    setNotice(`Quorum slot added: ${r.value.slot.threshold ?? '?'} of ${r.value.slot.total ?? '?'} custodians. Write each share to its own medium now (above).`);
    await loadVaultInfo();
  };

  const remove = async (slot: SlotInfo) => {
    setBusy(true);
    const r = await call('vault.removeSlot', { slotId: slot.id });
    setBusy(false);
    setRemoving(null);
    if (!r.ok) {
      setError(r);
      return;
    }
    setError(null);
    setNotice(`${slotText(slot)} removed.`);
    await loadVaultInfo();
  };

  return (
    <Stack spacing={2}>
      <List aria-label="Key slots" dense>
        {(info?.slots ?? []).map((s) => (
          <ListItem
            key={s.id}
            divider
            data-testid="key-slot"
            secondaryAction={
              // The last slot cannot be removed (the vault could never be opened again): no button to be refused.
              (info?.slots.length ?? 0) > 1 ? (
                <Button color="error" size="small" onClick={() => setRemoving(s)} aria-label={`Remove slot ${slotText(s)}`}>
                  Remove…
                </Button>
              ) : (
                <Typography variant="body2" color="text.secondary" data-testid="last-slot-note">
                  The only slot: add another to remove it
                </Typography>
              )
            }
          >
            <ListItemText
              primary={slotText(s)}
              secondary={
                <>
                  added <LocalDateTime iso={s.created} /> · slot <MonoText>{s.id}</MonoText>
                </>
              }
            />
          </ListItem>
        ))}
      </List>
      {notice ? (
        <Typography role="status" data-testid="slot-notice">
          {notice}
        </Typography>
      ) : null}
      {refusalApart(error, ['newPassphrase']) ? <ApiErrorAlert error={error!} title="The key slots were not changed" /> : null}
      {adding === 'none' ? (
        <Stack direction="row" spacing={1}>
          <Button variant="outlined" onClick={() => startAdding('passphrase')}>
            Add passphrase slot…
          </Button>
          <Button variant="outlined" onClick={() => startAdding('quorum')} disabled={holding} title={holding ? 'Finish writing the shares of the new quorum first' : undefined}>
            Add quorum slot…
          </Button>
        </Stack>
      ) : null}
      {adding === 'passphrase' ? (
        <Stack spacing={2} component="form" aria-label="Add a passphrase slot" onSubmit={(e) => {
            e.preventDefault();
            void addPassphrase();
          }}>
          <TextField label="Slot label" value={label} onChange={(e) => setLabel(e.target.value)} helperText="Who holds it, e.g. “deputy officer”." />
          <PassphraseField
            label="Slot passphrase"
            value={pass}
            onChange={setPass}
            autoComplete="new-password"
            refusal={passphraseRefusal}
            onRefusalStale={() => setError(null)}
            policyHint
          />
          <PassphraseField label="Confirm slot passphrase" value={confirm} onChange={setConfirm} autoComplete="new-password" error={confirm !== '' && confirm !== pass} helperText={confirm !== '' && confirm !== pass ? 'Does not match yet.' : ' '} />
          <Stack direction="row" spacing={1}>
            <Button type="submit" variant="contained" disabled={busy || pass === '' || pass !== confirm}>
              Add slot
            </Button>
            <Button onClick={reset}>Cancel</Button>
          </Stack>
        </Stack>
      ) : null}
      {adding === 'quorum' ? (
        <Stack spacing={2} component="form" aria-label="Add a quorum slot" onSubmit={(e) => {
            e.preventDefault();
            void addQuorum();
          }}>
          <TextField label="Slot label (optional)" value={label} onChange={(e) => setLabel(e.target.value)} />
          <QuorumFields value={quorum} onChange={setQuorum} />
          <Stack direction="row" spacing={1}>
            <Button type="submit" variant="contained" disabled={busy}>
              Add quorum slot and write shares
            </Button>
            <Button onClick={reset}>Cancel</Button>
          </Stack>
        </Stack>
      ) : null}
      {removing ? (
        <Dialog open onClose={() => setRemoving(null)} aria-labelledby="remove-slot-title">
          <DialogTitle id="remove-slot-title">Remove {slotText(removing)}?</DialogTitle>
          <DialogContent>
            <DialogContentText>Whoever holds this passphrase or these shares can no longer open the vault. The vault never removes its last slot.</DialogContentText>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setRemoving(null)}>Cancel</Button>
            <Button color="error" variant="contained" disabled={busy} onClick={() => void remove(removing)}>
              Remove slot
            </Button>
          </DialogActions>
        </Dialog>
      ) : null}
    </Stack>
  );
}
