import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert.tsx';
import { useAppStore } from '../../../store/index.ts';

export interface StepAction {
  label: string;
  onClick: () => void;
  /** Why the button is disabled, said next to it (and to screen readers). */
  disabledReason?: string | null;
  color?: 'primary' | 'error';
}

/**
 * One step of the emergency ceremony: its heading (focused when the step
 * opens, so keyboard and screen-reader users land on it), its content, what
 * happens next, the last api failure, and Back / the step's main button.
 */
export function StepFrame({ title, next, onBack, action, children }: { title: string; next: ReactNode; onBack?: (() => void) | null; action?: StepAction | null; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const reasonId = useId();
  const busy = useAppStore((s) => s.emergencyBusy);
  const failure = useAppStore((s) => s.emergencyError);
  useEffect(() => {
    heading.current?.focus();
  }, [title]);
  const blocked = Boolean(action?.disabledReason);
  return (
    <Paper variant="outlined" sx={{ p: 3, position: 'relative', overflow: 'hidden' }} component="section" aria-labelledby={`${reasonId}-h`}>
      <Typography id={`${reasonId}-h`} ref={heading} tabIndex={-1} variant="h5" component="h2" gutterBottom sx={{ outline: 'none' }}>
        {title}
      </Typography>
      <Stack spacing={2}>
        {children}
        <Alert severity="info" variant="outlined" data-testid="what-next">
          {next}
        </Alert>
        {failure ? <ApiErrorAlert error={failure.error} title={failure.title} /> : null}
        {busy ? (
          <Box>
            <Typography variant="body2" id={`${reasonId}-busy`} aria-live="polite">
              {busy}
            </Typography>
            <LinearProgress aria-labelledby={`${reasonId}-busy`} />
          </Box>
        ) : null}
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          {onBack ? (
            <Button variant="outlined" onClick={onBack} disabled={Boolean(busy)}>
              Back
            </Button>
          ) : null}
          {action ? (
            <Button variant="contained" color={action.color ?? 'primary'} onClick={action.onClick} disabled={blocked || Boolean(busy)} aria-describedby={blocked ? `${reasonId}-why` : undefined}>
              {action.label}
            </Button>
          ) : null}
          {blocked ? (
            <Typography id={`${reasonId}-why`} variant="body2" color="text.secondary" data-testid="disabled-reason">
              {action?.disabledReason}
            </Typography>
          ) : null}
        </Stack>
      </Stack>
    </Paper>
  );
}
