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

/** The certificate profile (end-entity profiles only: a CA certificate is a deliberate flow of its own), the validity and where the certificates go. */
export function ProfileStep() {
  const { go } = useIssueMediaWizard();
  const { profiles, profile, setProfile, chosenProfile, days, setDays, outDir, setOutDir } = useIssueMediaDraft();
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
          helperText={chosenProfile ? `Empty: the profile's ${chosenProfile.defaultDays} days.` : 'Empty: the profile’s default.'}
          slotProps={{ htmlInput: { min: 1, inputMode: 'numeric' } }}
          sx={{ maxWidth: 320 }}
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
        <Button variant="contained" disabled={!profiles || outDir.trim() === ''} onClick={() => go('confirm')}>
          Next: confirm
        </Button>
      </StepActions>
    </>
  );
}
