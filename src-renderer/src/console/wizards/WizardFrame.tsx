import ArrowBackIcon from '@mui/icons-material/ArrowBack';
import CloseIcon from '@mui/icons-material/Close';
import ReportIcon from '@mui/icons-material/Report';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Step from '@mui/material/Step';
import StepLabel from '@mui/material/StepLabel';
import Stepper from '@mui/material/Stepper';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { useAppStore } from '../../store/index.ts';
import type { OpName } from '../../../../src-main/api/contract.ts';
import { useOperationProgress } from '../../components/OperationProgress.tsx';
import type { WizardId } from '../../store/nav-slice.ts';
import { stepIndex, useWizard, useWizardControl, useWizardField, WizardContext, type WizardControl, type WizardStepDef } from './wizard-state.ts';
import { shown } from '../../components/shown.ts';

/**
 * A wizard's frame: title, MUI Stepper, the current step's heading and "what
 * happens next" line, the current step (from the table), and the close
 * control. Every wizard has the same controls: one close control, "Close
 * wizard", in the same place and style (what closing does at this point is its
 * hint, `closeHint`), and Back in one style (`BackButton`). A danger flow
 * (`tone="danger"`, the emergency ceremony) carries its own red accent: a red
 * band with a warning sign above the title, red stepper and a red outline
 * round the step, so it never looks like a routine wizard. It hands the steps the wizard's control (`useWizard()`). Focus moves
 * to the step heading when the step changes, so keyboard and screen-reader
 * users start each step at its top.
 *
 * Escape closes the wizard while nothing has changed yet: the officer has not
 * reached the table's first step that writes (`writes`), not even by going
 * Back from a later one, and the wizard does not say otherwise (`changed`).
 * After that Escape does nothing; closing is the close button's deliberate
 * press. An open dialog or menu takes its own Escape first.
 */
export function WizardFrame<Id extends string>({
  title,
  steps,
  control,
  onClose,
  closeHint = null,
  closeDisabled = false,
  tone = 'routine',
  subtitle = null,
  notice = null,
  finished = false,
  errorTitle,
  changed = false,
  caNotice,
}: {
  title: string;
  steps: readonly WizardStepDef<Id>[];
  control: WizardControl<Id>;
  /** Without it there is no close button (the wizard has reached a point where it must be finished). */
  onClose?: (() => void) | null;
  /** What closing does now, when it is more than leaving (the ceremony records its stop): the close control's tooltip and description. */
  closeHint?: string | null;
  closeDisabled?: boolean;
  /** A danger flow (the emergency ceremony) has its own red accent. */
  tone?: 'routine' | 'danger';
  /** A line under the title (who is taking part, since when). */
  subtitle?: ReactNode;
  /** Shown above the step, whatever the step (a read the whole wizard depends on failed). */
  notice?: ReactNode;
  /** The last step is done too: the stepper ticks it. */
  finished?: boolean;
  /** The title of a refusal the frame shows under a step that does not place it itself; without it, steps place theirs. */
  errorTitle?: string;
  /** Something was written although the steps reached are before the first writing one (the emergency's transcript has entries). */
  changed?: boolean;
  /** What the wizard says of the CA it changes; by default, in a vault of several CAs, that it changes only the selected one. */
  caNotice?: ReactNode;
}) {
  const active = stepIndex(steps, control.step);
  const current = steps[active];
  const next = useAppStore((s) => (typeof current?.next === 'function' ? current.next(s) : (current?.next ?? '')));
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [active]);
  const escapeCloses = useEscapeClose(steps, control, active, changed, closeDisabled ? null : (onClose ?? null));
  const closeButton = onClose ? <CloseWizardButton onClose={onClose} disabled={closeDisabled} hint={closeHint} escape={escapeCloses} /> : null;
  const CurrentStep = current?.Step;
  const danger = tone === 'danger';
  return (
    <Box sx={{ maxWidth: 960 }} data-tone={tone} data-testid="wizard-frame">
      {danger ? (
        <Box
          data-testid="danger-band"
          sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 2, px: 2, py: 1, borderRadius: 1, bgcolor: '#b3261e', color: '#fff', fontWeight: 700 }}
        >
          <ReportIcon aria-hidden />
          <Typography component="p" sx={{ fontWeight: 700 }}>
            Danger: emergency procedure. Every step is recorded in the transcript.
          </Typography>
        </Box>
      ) : null}
      {subtitle ? (
        <Stack direction="row" sx={{ alignItems: 'flex-start', justifyContent: 'space-between', gap: 2 }}>
          <Box>
            <Typography variant="h4" component="h1" gutterBottom>
              {title}
            </Typography>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
              {subtitle}
            </Typography>
          </Box>
          {closeButton}
        </Stack>
      ) : (
        <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', mb: 2 }}>
          <Typography variant="h4" component="h1">
            {title}
          </Typography>
          {closeButton}
        </Stack>
      )}
      <Stepper
        activeStep={active}
        alternativeLabel
        sx={{ mb: 3, ...(danger ? { '& .MuiStepIcon-root.Mui-active, & .MuiStepIcon-root.Mui-completed': { color: 'error.main' } } : {}) }}
        aria-label={`${title} steps`}
      >
        {steps.map((s, i) => (
          <Step key={s.id} completed={i < active || (finished && i === active)}>
            <StepLabel>{s.label}</StepLabel>
          </Step>
        ))}
      </Stepper>
      {caNotice === undefined ? <SelectedCaNotice /> : caNotice}
      {notice}
      <Paper variant="outlined" sx={{ p: 3, ...(danger ? { borderColor: 'error.main', borderWidth: 2, borderTopWidth: 6 } : {}) }} component="section" aria-labelledby="wizard-step-heading">
        <Typography id="wizard-step-heading" ref={heading} tabIndex={-1} variant="h6" component="h2" sx={{ outline: 'none' }}>
          Step {active + 1} of {steps.length}: {current?.title ?? current?.label}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }} data-testid="wizard-next">
          {next}
        </Typography>
        <WizardContext.Provider value={control as unknown as WizardControl}>
          {CurrentStep ? <CurrentStep /> : null}
        </WizardContext.Provider>
        {errorTitle && control.error && !current?.placesRefusal ? (
          <Box sx={{ mt: 2 }}>
            <ApiErrorAlert error={control.error} title={errorTitle} />
          </Box>
        ) : null}
      </Paper>
    </Box>
  );
}

/**
 * In a vault of several CAs, the CA the wizard changes, named above its steps:
 * the wizard was started in the CA the console shows and stays in it (the
 * switcher is locked while it is open). A vault of one CA shows nothing here.
 */
function SelectedCaNotice() {
  const cas = useAppStore((s) => s.cas);
  const caName = useAppStore((s) => s.caName);
  if (!cas || cas.length < 2 || caName === null) return null;
  return (
    <Alert severity="info" icon={false} sx={{ mb: 2 }} data-testid="wizard-ca">
      In the CA <strong>{shown(caName)}</strong>: this wizard changes only this CA. {cas.length === 2 ? 'The other CA of the vault stays as it is.' : `The other ${cas.length - 1} CAs of the vault stay as they are.`}
    </Alert>
  );
}

/**
 * Escape closes the wizard (`close`) while it is unchanged; returns whether it
 * does now. The furthest step reached is kept in the wizard's draft, so going
 * Back to the first step after writing does not make Escape close again.
 */
function useEscapeClose<Id extends string>(steps: readonly WizardStepDef<Id>[], control: WizardControl<Id>, active: number, changed: boolean, close: (() => void) | null): boolean {
  const [reached, setReached] = useWizardField<number>(control.wizard, 'furthestStep', active);
  useEffect(() => {
    if (active > reached) setReached(active);
  }, [active, reached, setReached]);
  const firstWrite = steps.findIndex((s) => s.writes);
  const unchanged = !changed && Math.max(reached, active) < (firstWrite === -1 ? steps.length : firstWrite);
  const enabled = unchanged && close !== null && !control.busy;
  useEffect(() => {
    if (!enabled || !close) return undefined;
    const onKey = (e: KeyboardEvent) => {
      // MUI's dialogs and menus handle their Escape and stop it; a modal still open (closing) keeps it too.
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('.MuiModal-root')) return;
      e.preventDefault();
      close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, close]);
  return enabled;
}

/**
 * The one close control of every wizard: "Close wizard", outlined with a
 * cross, in the frame's header (the emergency confirmation pins the same
 * control in its action bar). `hint` says what closing does now.
 */
export function CloseWizardButton({ onClose, disabled = false, hint = null, escape = false }: { onClose: () => void; disabled?: boolean; hint?: string | null; escape?: boolean }) {
  const hintId = useId();
  const button = (
    <Button
      variant="outlined"
      color="inherit"
      startIcon={<CloseIcon aria-hidden />}
      onClick={onClose}
      disabled={disabled}
      aria-keyshortcuts={escape ? 'Escape' : undefined}
      aria-describedby={hint ? hintId : undefined}
      sx={{ flexShrink: 0, whiteSpace: 'nowrap' }}
      data-testid="close-wizard"
    >
      Close wizard
    </Button>
  );
  if (!hint) return button;
  return (
    <>
      <Tooltip title={hint}>
        <span>{button}</span>
      </Tooltip>
      <Box component="span" id={hintId} sx={{ display: 'none' }}>
        {hint}
      </Box>
    </>
  );
}

/** Back, one style in every wizard: outlined, with an arrow. */
export function BackButton({ onClick, disabled = false }: { onClick: () => void; disabled?: boolean }) {
  return (
    <Button variant="outlined" startIcon={<ArrowBackIcon aria-hidden />} onClick={onClick} disabled={disabled} sx={{ whiteSpace: 'nowrap' }}>
      Back
    </Button>
  );
}

/** Back and the step's main button, in that order, at the foot of a step. */
export function StepActions({ onBack, children }: { onBack?: (() => void) | null; children?: ReactNode }) {
  return (
    // Wraps rather than squeezing: three long buttons (the new CA's "Switch to … and activate its first key…") overflowed theirs at 1024 px.
    <Stack direction="row" spacing={1} useFlexGap sx={{ mt: 3, flexWrap: 'wrap' }}>
      {onBack ? <BackButton onClick={onBack} /> : null}
      {typeof children === 'string' ? shown(children) : children}
    </Stack>
  );
}

/** The wizard's refusal, where a step places it (`spaced`: apart from what is above it). */
export function StepRefusal({ title, spaced = false }: { title: string; spaced?: boolean }) {
  const { error } = useWizard();
  if (!error) return null;
  const alert = <ApiErrorAlert error={error} title={title} />;
  return spaced ? <Stack sx={{ mt: 2 }}>{alert}</Stack> : alert;
}

/** The foot of a wizard's last step: Done closes it. `focus`: Done takes the focus when it turns true (the control that had it, Eject, is gone). */
export function FinishActions({ focus = false }: { focus?: boolean }) {
  const closeWizard = useAppStore((s) => s.closeWizard);
  const done = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focus) done.current?.focus();
  }, [focus]);
  return (
    <StepActions>
      <Button variant="contained" onClick={closeWizard} ref={done}>
        Done
      </Button>
    </StepActions>
  );
}

/**
 * A wizard around one long operation that reports progress (the export, the
 * batch issuance): it listens for the progress from the start and begins at
 * its table's first step.
 */
export function ProgressWizard<Id extends string>({ wizard, title, steps, operation }: { wizard: WizardId; title: string; steps: readonly [WizardStepDef<Id>, ...WizardStepDef<Id>[]]; operation: OpName }) {
  const closeWizard = useAppStore((s) => s.closeWizard);
  useOperationProgress(operation);
  const control = useWizardControl<Id>(wizard, steps[0].id);
  return <WizardFrame title={title} steps={steps} control={control} onClose={closeWizard} />;
}
