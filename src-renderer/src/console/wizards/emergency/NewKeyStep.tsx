import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import MenuItem from '@mui/material/MenuItem';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useRef, useState } from 'react';
import type { KeyView } from '../../../../../src-main/api/contract.ts';
import { CREATE_ROOT, namedWitnesses, type NewRootAlgorithm } from '../../../store/emergency-slice.ts';
import { CeremonyKitPanel } from '../CeremonyKitPanel.tsx';
import { KeyLocationFields } from '../KeyLocationFields.tsx';
import { useAppStore } from '../../../store/index.ts';
import { KeySummary } from './KeySummary.tsx';
import { shortHex } from '../../../components/KeyIdChip.tsx';
import { shown } from '../../../components/shown.ts';
import { MONO_FONT } from '../../../theme.ts';
import { call } from '../../../api.ts';
import { FieldRefusal } from '../../../components/MessageText.tsx';
import { problemAt, type CheckedValue } from '../field-check.ts';
import { CeremonyStep, useEmergencyWizard } from './CeremonyStep.tsx';

const ALGORITHM_LABELS: Record<NewRootAlgorithm, string> = {
  'ecdsa-p256': 'ECDSA P-256',
  'ecdsa-p384': 'ECDSA P-384',
  'rsa-3072': 'RSA 3072',
  'rsa-4096': 'RSA 4096',
  ed25519: 'Ed25519',
};

/** Drafts that already hold a certificate: the only ones an activation can take. */
export function preparedDrafts(keys: readonly KeyView[], createdId: string | null): KeyView[] {
  return keys.filter((k) => k.state === 'draft' && k.chainLength > 0 && k.id !== createdId);
}

/** The key that replaces the compromised one, as chosen on the new-key step (null until there is one). */
export function chosenKey(keys: readonly KeyView[] | null, c: { keyChoice: 'draft' | 'new'; draftId: string | null; createdKey: KeyView | null; createdKeyCertified: boolean }): KeyView | null {
  if (c.keyChoice === 'new') return c.createdKeyCertified ? c.createdKey : null;
  return (keys ?? []).find((k) => k.id === c.draftId && k.state === 'draft' && k.chainLength > 0) ?? null;
}

export function NewKeyStep() {
  const c = useAppStore((s) => s.emergency);
  const log = useAppStore((s) => s.logEmergency);
  const { go } = useEmergencyWizard();
  // Once the kit's medium is ejected the Eject button is gone: the keyboard goes on from Next.
  const next = useRef<HTMLButtonElement>(null);
  const keys = useAppStore((s) => s.keys);
  const patch = useAppStore((s) => s.patchEmergency);
  const createRoot = useAppStore((s) => s.createEmergencyRoot);
  const busy = useAppStore((s) => s.emergencyBusy);
  const drafts = preparedDrafts(keys ?? [], c.createdKey?.id ?? null);
  const unfinished = (keys ?? []).filter((k) => k.state === 'draft' && k.chainLength === 0 && k.id !== c.createdKey?.id).length;
  const chosen = chosenKey(keys, c);
  const formLocked = c.createdKey !== null;
  // The token PIN lives in this step only: handed to the session when the root is created, then cleared.
  const [pin, setPin] = useState('');
  const onToken = c.newRoot.location.kind === 'token' && c.createdKey === null;
  const formMissing = !c.newRoot.name.trim()
    ? 'Give the new root a name.'
    : !c.newRoot.subject.trim()
      ? 'Give the new root a subject, e.g. CN=Acme Emergency Root 2026,O=Acme.'
      : onToken && c.newRoot.location.kind === 'token' && c.newRoot.location.serial === ''
        ? 'Choose the token the new root is made on.'
        : onToken && pin === ''
          ? 'Enter the token’s PIN.'
          : null;
  // The subject as the main process refused it (input.check, key.selfSign's parser), before anything is created: at the field until edited.
  const [refusedSubject, setRefusedSubject] = useState<CheckedValue | null>(null);
  const subjectProblem = problemAt(refusedSubject, c.newRoot.subject);
  const [checking, setChecking] = useState(false);
  const create = async () => {
    if (!c.createdKey) {
      setChecking(true);
      const checked = await call('input.check', { subject: c.newRoot.subject }).finally(() => setChecking(false));
      const problem = checked.ok ? checked.value.subject : null;
      setRefusedSubject(problem ? { value: c.newRoot.subject, problem } : null);
      if (problem) {
        log('new root: subject refused', c.officer ?? '', `${problem.code}: ${problem.message}`, true);
        return;
      }
    }
    const typed = onToken ? pin : undefined;
    setPin('');
    await createRoot(typed);
  };

  const onNext = () => {
    if (chosen) log('new key chosen', c.officer ?? '', `${chosen.name} (${chosen.id}), ${c.keyChoice === 'new' ? 'the root created in this ceremony' : 'a prepared draft'}; ${chosen.subject ?? ''}`);
    go('confirm');
  };

  return (
    <CeremonyStep
      onBack={() => go('checklist')}
      actionRef={next}
      action={{ label: 'Next: confirm', onClick: onNext, disabledReason: chosen ? null : c.keyChoice === 'draft' ? 'Choose a prepared draft.' : 'Create the new root first.' }}
    >
      <FormControl>
        <FormLabel id="em-key-choice">Which key takes over?</FormLabel>
        <RadioGroup aria-labelledby="em-key-choice" value={c.keyChoice} onChange={(e) => patch({ keyChoice: e.target.value === 'new' ? 'new' : 'draft' })}>
          <FormControlLabel value="draft" control={<Radio />} label={`A prepared draft with its certificate (${drafts.length} available)`} />
          <FormControlLabel value="new" control={<Radio />} label="A new self-signed root, created now" />
        </RadioGroup>
      </FormControl>

      {c.keyChoice === 'draft' ? (
        drafts.length === 0 ? (
          <Alert severity="warning">No draft holds a certificate yet{unfinished ? ` (${unfinished} draft${unfinished === 1 ? '' : 's'} still wait for one)` : ''}. Create a new self-signed root instead.</Alert>
        ) : (
          <FormControl>
            <FormLabel id="em-draft">Prepared drafts</FormLabel>
            <RadioGroup aria-labelledby="em-draft" value={c.draftId ?? ''} onChange={(e) => patch({ draftId: e.target.value })}>
              {drafts.map((k) => (
                <FormControlLabel key={k.id} value={k.id} control={<Radio slotProps={{ input: { 'aria-label': `Use ${k.name}` } }} />} label={<KeySummary k={k} />} sx={{ alignItems: 'flex-start', my: 0.5, '& .MuiRadio-root': { pt: 0.5 } }} />
              ))}
            </RadioGroup>
          </FormControl>
        )
      ) : (
        <Stack spacing={2}>
          <TextField label="New root name" value={c.newRoot.name} onChange={(e) => patch({ newRoot: { ...c.newRoot, name: e.target.value } })} disabled={formLocked} autoComplete="off" />
          <TextField select label="Algorithm" value={c.newRoot.algorithm} onChange={(e) => patch({ newRoot: { ...c.newRoot, algorithm: e.target.value as NewRootAlgorithm } })} disabled={formLocked}>
            {(Object.keys(ALGORITHM_LABELS) as NewRootAlgorithm[]).map((a) => (
              <MenuItem key={a} value={a}>
                {ALGORITHM_LABELS[a]}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            label="Subject"
            placeholder="CN=Acme Emergency Root 2026,O=Acme"
            value={c.newRoot.subject}
            onChange={(e) => patch({ newRoot: { ...c.newRoot, subject: e.target.value } })}
            disabled={formLocked}
            autoComplete="off"
            error={subjectProblem !== null}
            helperText={subjectProblem ? <FieldRefusal refusal={subjectProblem} /> : undefined}
            slotProps={{ htmlInput: { spellCheck: false } }}
          />
          <KeyLocationFields value={c.newRoot.location} onChange={(location) => patch({ newRoot: { ...c.newRoot, location } })} locked={formLocked} pin={pin} onPin={setPin} />
          {c.createdKey ? <KeySummary k={c.createdKey} /> : null}
          {c.createdKeyCertified ? (
            <Alert severity="success">
              {c.createdKey?.token
                ? 'The new root is recorded in the vault as a draft with its certificate; its private key is on the token and never leaves it. It is not trusted by anyone until the activation.'
                : 'The new root is in the vault as a draft with its certificate. It is not trusted by anyone until the activation.'}
            </Alert>
          ) : (
            <>
              <Typography variant="body2">
                Creating the root is the one change before the confirmation step: a new draft key and its self-signed certificate are added to the vault (and to the audit log). Nobody trusts it until it is activated.
              </Typography>
              <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
                <Button variant="outlined" onClick={() => void create()} disabled={Boolean(formMissing) || Boolean(busy) || checking || subjectProblem !== null} aria-describedby={formMissing ? 'em-root-why' : undefined}>
                  {c.createdKey ? 'Self-sign the new root now' : CREATE_ROOT}
                </Button>
                {formMissing ? (
                  <Typography id="em-root-why" variant="body2" color="text.secondary">
                    {formMissing}
                  </Typography>
                ) : null}
              </Stack>
            </>
          )}
        </Stack>
      )}
      {chosen ? (
        <Alert severity="info" icon={false} data-testid="paper-record">
          <Typography variant="body2" sx={{ fontWeight: 700 }}>
            For the paper record: {shown(chosen.name)}
          </Typography>
          <Box sx={{ fontFamily: MONO_FONT, fontSize: '1rem', lineHeight: 1.6 }} data-testid="paper-fingerprint">
            {shortHex(chosen.id, 16)}
          </Box>
          <Typography variant="body2">
            Witnesses: write the ceremony kit below and print it — it carries this fingerprint in groups and in words — or write the fingerprint on the ceremony&apos;s paper record now, group by group (a prepared draft&apos;s should already be on the record of the ceremony that made it: compare). At the confirmation you read its last two groups back to the officer from the paper.
          </Typography>
        </Alert>
      ) : null}
      {chosen ? (
        <CeremonyKitPanel
          key={chosen.id}
          ceremony="emergency"
          keyId={chosen.id}
          witnesses={namedWitnesses(c)}
          onWritten={(k) => log('ceremony kit written', c.officer ?? '', `${k.file} (audit event ${k.event.seq}, SHA-256 ${k.sha256})`)}
          onFinished={() => next.current?.focus()}
        />
      ) : null}
    </CeremonyStep>
  );
}
