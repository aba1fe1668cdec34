import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { shown } from './shown.ts';

/**
 * A settings form: its fields, then the submit button with a status line
 * beside it ("Saved.") that screen readers announce. Enter submits.
 */
export function SettingsForm({ onSubmit, submitLabel, submitDisabled, status, statusTestId, children }: { onSubmit(): void; submitLabel: string; submitDisabled: boolean; status: string; statusTestId: string; children: ReactNode }) {
  return (
    <Stack
      spacing={2}
      component="form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {typeof children === 'string' ? shown(children) : children}
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Button type="submit" variant="contained" disabled={submitDisabled}>
          {submitLabel}
        </Button>
        <Typography role="status" color="success.main" data-testid={statusTestId}>
          {status}
        </Typography>
      </Stack>
    </Stack>
  );
}
