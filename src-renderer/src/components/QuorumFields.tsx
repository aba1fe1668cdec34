import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';

export interface QuorumDraft {
  threshold: string;
  total: string;
  sharesDir: string;
}

/** K of N custodians and the folder the N share files are written to. The api checks the numbers. */
export function QuorumFields({ value, onChange }: { value: QuorumDraft; onChange(v: QuorumDraft): void }) {
  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2}>
        <TextField
          label="Shares needed to unlock (K)"
          type="number"
          value={value.threshold}
          onChange={(e) => onChange({ ...value, threshold: e.target.value })}
          slotProps={{ htmlInput: { min: 2, max: 255, inputMode: 'numeric' } }}
          fullWidth
        />
        <TextField
          label="Custodians (N)"
          type="number"
          value={value.total}
          onChange={(e) => onChange({ ...value, total: e.target.value })}
          slotProps={{ htmlInput: { min: 2, max: 255, inputMode: 'numeric' } }}
          fullWidth
        />
      </Stack>
      <TextField
        label="Folder for the share files"
        value={value.sharesDir}
        onChange={(e) => onChange({ ...value, sharesDir: e.target.value })}
        helperText="An empty folder, e.g. on removable media; one file per custodian is written there."
        slotProps={{ htmlInput: { spellCheck: false, autoCapitalize: 'off' } }}
        fullWidth
      />
    </Stack>
  );
}
