import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';

export interface QuorumDraft {
  threshold: string;
  total: string;
  /** Who receives each share, in order; blank names are left out. */
  holders: string[];
}

/** The holder names of a draft as the api takes them: all N named, or none. */
export function holdersOf(q: QuorumDraft): { holders: string[] } | Record<string, never> {
  const n = Number(q.total);
  const names = Array.from({ length: Number.isInteger(n) && n > 0 ? Math.min(n, 255) : 0 }, (_, i) => (q.holders[i] ?? '').trim());
  return names.length > 0 && names.every((h) => h !== '') ? { holders: names } : {};
}

const SHOWN_HOLDERS = 12;

/** K of N custodians and who holds each share. The shares are written afterwards, one medium each. The api checks the numbers. */
export function QuorumFields({ value, onChange }: { value: QuorumDraft; onChange(v: QuorumDraft): void }) {
  const n = Number(value.total);
  const count = Number.isInteger(n) && n >= 2 ? Math.min(n, SHOWN_HOLDERS) : 0;
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
      <Typography variant="body2" color="text.secondary">
        Each share is written to its own medium afterwards, one at a time: have one empty USB stick or card per custodian ready. Naming the holders is optional; their names are recorded with each share written.
      </Typography>
      {count > 0 ? (
        <Stack direction="row" useFlexGap sx={{ flexWrap: 'wrap', gap: 2 }}>
          {Array.from({ length: count }, (_, i) => (
            <TextField
              key={i}
              label={`Holder of share ${i + 1}`}
              value={value.holders[i] ?? ''}
              onChange={(e) => {
                const holders = [...value.holders];
                holders[i] = e.target.value;
                onChange({ ...value, holders });
              }}
              size="small"
              sx={{ flex: '1 1 14rem' }}
            />
          ))}
        </Stack>
      ) : null}
    </Stack>
  );
}
