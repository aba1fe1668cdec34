import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Step from '@mui/material/Step';
import StepLabel from '@mui/material/StepLabel';
import Stepper from '@mui/material/Stepper';
import Typography from '@mui/material/Typography';
import { useEffect, useRef, type ReactNode } from 'react';
import type { ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { stepIndex, type WizardStepDef } from './wizard-state.ts';

/**
 * A wizard's frame: title, MUI Stepper, the current step's heading and "what
 * happens next" line, its content, and the close button. Focus moves to the
 * step heading when the step changes, so keyboard and screen-reader users
 * start each step at its top.
 */
export function WizardFrame<Id extends string>({
  title,
  steps,
  step,
  onClose,
  closeLabel = 'Close wizard',
  error = null,
  errorTitle = 'The vault refused this step; nothing changed',
  children,
}: {
  title: string;
  steps: readonly WizardStepDef<Id>[];
  step: Id;
  onClose(): void;
  closeLabel?: string;
  /** A refusal shown under the step, for wizards whose steps do not place it themselves. */
  error?: ApiFailure | null;
  errorTitle?: string;
  children: ReactNode;
}) {
  const active = stepIndex(steps, step);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [active]);
  return (
    <Box sx={{ maxWidth: 960 }}>
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', mb: 2 }}>
        <Typography variant="h4" component="h1">
          {title}
        </Typography>
        <Button onClick={onClose}>{closeLabel}</Button>
      </Stack>
      <Stepper activeStep={active} alternativeLabel sx={{ mb: 3 }} aria-label={`${title} steps`}>
        {steps.map((s) => (
          <Step key={s.id}>
            <StepLabel>{s.label}</StepLabel>
          </Step>
        ))}
      </Stepper>
      <Paper variant="outlined" sx={{ p: 3 }} component="section" aria-labelledby="wizard-step-heading">
        <Typography id="wizard-step-heading" ref={heading} tabIndex={-1} variant="h6" component="h2" sx={{ outline: 'none' }}>
          Step {active + 1} of {steps.length}: {steps[active]?.label}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }} data-testid="wizard-next">
          {steps[active]?.next}
        </Typography>
        {children}
        {error ? (
          <Box sx={{ mt: 2 }}>
            <ApiErrorAlert error={error} title={errorTitle} />
          </Box>
        ) : null}
      </Paper>
    </Box>
  );
}

/** Back and the step's main button, in that order, at the foot of a step. */
export function StepActions({ onBack, children }: { onBack?: () => void; children?: ReactNode }) {
  return (
    <Stack direction="row" spacing={1} sx={{ mt: 3 }}>
      {onBack ? <Button onClick={onBack}>Back</Button> : null}
      {children}
    </Stack>
  );
}
