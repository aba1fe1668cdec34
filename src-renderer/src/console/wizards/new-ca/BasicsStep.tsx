import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import MenuItem from '@mui/material/MenuItem';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useAppStore } from '../../../store/index.ts';
import { shown } from '../../../components/shown.ts';
import { StepActions } from '../WizardFrame.tsx';
import { useNewCaDraft, useNewCaWizard } from './new-ca-draft.ts';
import { FieldRefusal } from '../../../components/MessageText.tsx';

/** The CA's name and purpose, and whether a CA of this vault certifies it (an issuing CA under a root) or it stands on its own. */
export function BasicsStep() {
  const cas = useAppStore((s) => s.cas) ?? [];
  const caName = useAppStore((s) => s.caName);
  const { go } = useNewCaWizard();
  const { name, setName, purpose, setPurpose, parent, setParent, issuing, taken: refused } = useNewCaDraft();
  const trimmed = name.trim();
  // Said next to the field before the vault refuses it (CA_NAME_TAKEN), and when it did: names are unique in the vault.
  const refusedHere = refused?.field === 'caName' && refused.name === trimmed && trimmed !== '' ? refused : null;
  const taken = cas.some((c) => c.name === trimmed) || refusedHere !== null;
  const signers = cas.filter((c) => c.activeKeyId !== null);
  const kindChanged = (kind: string) => {
    if (kind === 'own') setParent('');
    else setParent(signers.find((c) => c.name === caName)?.name ?? signers[0]?.name ?? '');
  };
  const ready = trimmed !== '' && !taken && (!issuing || signers.some((c) => c.name === parent));
  return (
    <>
      <Stack spacing={2}>
        <TextField
          label="CA name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          error={taken}
          helperText={refusedHere ? <FieldRefusal refusal={refusedHere} /> : taken ? `This vault already has a CA named “${shown(trimmed)}”. Choose another name.` : 'How the CA is named in the console, in the audit log and on the medium, e.g. "Fleet Issuing CA".'}
        />
        <TextField label="Purpose (optional)" value={purpose} onChange={(e) => setPurpose(e.target.value)} helperText='What it certifies, e.g. "Agents of the Berlin fleet".' />
        <FormControl>
          <FormLabel id="new-ca-kind">What signs the new CA</FormLabel>
          <RadioGroup aria-labelledby="new-ca-kind" value={issuing ? 'issuing' : 'own'} onChange={(e) => kindChanged(e.target.value)}>
            <FormControlLabel value="own" control={<Radio />} sx={{ mb: 1 }} label="Nothing yet: an empty CA. You then create its first key inside it (a standalone root, or a sub-CA key for a corporate root)." />
            <FormControlLabel
              value="issuing"
              control={<Radio />}
              disabled={signers.length === 0}
              label={signers.length === 0 ? 'A CA of this vault (none has an active key to sign with yet).' : 'A CA of this vault: an issuing CA under it. Its active key signs the new CA’s first key here; nothing leaves this machine.'}
            />
          </RadioGroup>
        </FormControl>
        {issuing ? (
          <TextField select label="Parent CA" value={parent} onChange={(e) => setParent(e.target.value)} helperText="Its active key certifies the new CA’s first key; the certificate is listed among the parent’s certificates, so the parent can revoke it." slotProps={{ htmlInput: { 'data-testid': 'new-ca-parent' } }}>
            {signers.map((c) => (
              <MenuItem key={c.id} value={c.name}>
                {shown(c.name)}
              </MenuItem>
            ))}
          </TextField>
        ) : null}
      </Stack>
      <StepActions>
        <Button variant="contained" disabled={!ready} onClick={() => go(issuing ? 'key' : 'create')}>
          Next
        </Button>
      </StepActions>
    </>
  );
}
