import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import Typography from '@mui/material/Typography';
import { useIssueMediaDraft, useIssueMediaWizard } from './issue-media-draft.ts';
import { CA_ELSEWHERE } from './RequestTable.tsx';
import { FieldRefusal } from '../../../components/MessageText.tsx';
import { checkTyped, NOTHING_REFUSED, problemAt, type CheckedFields } from '../field-check.ts';
import { useWizardField } from '../wizard-state.ts';

/** The certificate profile (end-entity profiles only: a CA certificate is a deliberate flow of its own), the validity and where the certificates go. */
export function ProfileStep() {
  const { go, run, busy, busyWhile } = useIssueMediaWizard();
  const { profiles, profile, setProfile, chosenProfile, days, setDays, outDir, setOutDir, accepted } = useIssueMediaDraft();
  // The validity as the main process refused it on Next (input.check: the profile's limit, the CA's policy, the signing key's end), for that profile and value only.
  const [refused, setRefused] = useWizardField<CheckedFields>('issue-media', 'refused', NOTHING_REFUSED);
  const daysKey = `${profile}\u0000${days}`;
  const daysProblem = problemAt(refused.days, daysKey);
  const next = () =>
    busyWhile(async () => {
      // Renewal requests keep the profile of the certificate each renews: the profile's check is for the plain requests.
      if (accepted > 0) {
        const c = await checkTyped(run, { days: { for: 'issue', value: days, profile } });
        if (!c) return;
        setRefused({ ...c.checked, days: c.checked.days ? { ...c.checked.days, value: daysKey } : null });
        if (!c.passed) return;
      }
      go('confirm');
    });
  return (
    <>
      <StepRefusal title="The profiles could not be read" />
      {profiles ? (
        <FormControl>
          <FormLabel id="issue-profile">Certificate profile</FormLabel>
          <RadioGroup aria-labelledby="issue-profile" value={profile} onChange={(_e, value) => setProfile(profiles.find((p) => p.name === value)?.name ?? profile)}>
            {profiles.filter((p) => !p.ca).map((p) => (
              <FormControlLabel key={p.name} value={p.name} control={<Radio />} label={`${p.name} — ${p.description} (${p.defaultDays} days by default, at most ${p.maxDays})`} />
            ))}
          </RadioGroup>
          <Typography variant="body2" sx={{ mt: 1 }} data-testid="profile-ca-elsewhere">
            {CA_ELSEWHERE}
          </Typography>
        </FormControl>
      ) : null}
      <Stack spacing={2} sx={{ mt: 2 }}>
        <TextField
          label="Validity in days (optional)"
          type="number"
          value={days}
          onChange={(e) => setDays(e.target.value)}
          error={daysProblem !== null}
          helperText={daysProblem ? <FieldRefusal refusal={daysProblem} /> : chosenProfile ? `Empty: the profile's ${chosenProfile.defaultDays} days.` : 'Empty: the profile’s default.'}
          slotProps={{ htmlInput: { min: 1, inputMode: 'numeric' } }}
          sx={{ maxWidth: 560 }}
        />
        <TextField
          label="Write the certificates to (an existing folder)"
          value={outDir}
          onChange={(e) => setOutDir(e.target.value)}
          helperText="By default the requests folder itself: each request gets a <name>.crt.pem beside it. Existing files are never overwritten."
          fullWidth
          slotProps={{ htmlInput: { spellCheck: false } }}
        />
      </Stack>
      <StepActions onBack={() => go('folder')}>
        <Button variant="contained" disabled={busy || !profiles || outDir.trim() === '' || daysProblem !== null} onClick={() => void next()}>
          Next: confirm
        </Button>
      </StepActions>
    </>
  );
}
