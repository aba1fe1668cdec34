import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useId, type ReactNode, type RefObject } from 'react';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert.tsx';
import type { EmergencyStepId } from '../../../store/emergency-slice.ts';
import { useAppStore } from '../../../store/index.ts';
import { useWizard } from '../wizard-state.ts';
import { BackButton } from '../WizardFrame.tsx';
import { shown } from '../../../components/shown.ts';
import { isTokenCode } from '../key-location.ts';
import { TokenRefusalAlert } from '../KeyLocationFields.tsx';

/** The emergency ceremony's control, inside its frame. */
export const useEmergencyWizard = () => useWizard<EmergencyStepId>();

export interface StepAction {
  label: string;
  onClick: () => void;
  /** Why the button is disabled, said next to it (and to screen readers). */
  disabledReason?: string | null;
  color?: 'primary' | 'error';
}

/**
 * The body of one step of the emergency ceremony, inside the wizard frame
 * (which draws its heading and what happens next): its content, the last
 * refusal of a ceremony action, what is running, and Back / the step's main
 * button. The ceremony's actions run in its slice, which writes each of them
 * to the transcript.
 */
export function CeremonyStep({
  onBack,
  action,
  children,
  pinned,
  actionRef,
}: {
  onBack?: (() => void) | null;
  action?: StepAction | null;
  children: ReactNode;
  /** Pins the controls to the bottom of the window, with what it holds (a sentence, a field, Stop) around them: the step's button never scrolls away. */
  pinned?: { above: ReactNode; field: ReactNode; after: ReactNode } | null;
  /** The step's handle on its main button, to hand it the focus after something on the step went away (an ejected medium). */
  actionRef?: RefObject<HTMLButtonElement | null>;
}) {
  const reasonId = useId();
  const busy = useAppStore((s) => s.emergencyBusy);
  const failure = useAppStore((s) => s.emergencyError);
  const blocked = Boolean(action?.disabledReason);
  const reason = (
    <Typography id={`${reasonId}-why`} variant="body2" color="text.secondary" data-testid="disabled-reason">
      {action?.disabledReason}
    </Typography>
  );
  return (
    <Stack spacing={2}>
      {typeof children === 'string' ? shown(children) : children}
      {failure ? isTokenCode(failure.error.code) ? <TokenRefusalAlert code={failure.error.code} retryButton={failure.retryButton} /> : <ApiErrorAlert error={failure.error} title={failure.title} /> : null}
      {busy ? (
        <Box>
          <Typography variant="body2" id={`${reasonId}-busy`} aria-live="polite">
            {busy}
          </Typography>
          <LinearProgress aria-labelledby={`${reasonId}-busy`} />
        </Box>
      ) : null}
      <Box
        data-testid={pinned ? 'pinned-actions' : undefined}
        sx={
          pinned
            ? { position: 'sticky', bottom: 0, zIndex: 2, bgcolor: 'background.paper', borderTop: 2, borderColor: 'error.main', mx: -3, mb: -3, px: 3, py: 1.5, '& .MuiButton-root': { textTransform: 'none' } }
            : undefined
        }
      >
        {pinned?.above}
        <Stack direction="row" spacing={pinned ? 1.5 : 2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
          {pinned?.field}
          {onBack ? (
            <BackButton onClick={onBack} disabled={Boolean(busy)} />
          ) : null}
          {action ? (
            <Button variant="contained" color={action.color ?? 'primary'} onClick={action.onClick} ref={actionRef} disabled={blocked || Boolean(busy)} aria-describedby={blocked ? `${reasonId}-why` : undefined}>
              {action.label}
            </Button>
          ) : null}
          {blocked && !pinned ? reason : null}
          {pinned?.after}
        </Stack>
        {blocked && pinned ? <Box sx={{ mt: 0.5 }}>{reason}</Box> : null}
      </Box>
    </Stack>
  );
}

