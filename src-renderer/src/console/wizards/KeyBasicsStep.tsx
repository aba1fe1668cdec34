import Button from '@mui/material/Button';
import type { ReactNode } from 'react';
import { KeyBasicsFields } from './KeyBasicsFields.tsx';
import { useKeyWizard } from './key-wizard.ts';
import { StepActions } from './WizardFrame.tsx';
import { shown } from '../../components/shown.ts';

/** The first step of a key wizard: name, algorithm and subject (locked once the key exists), then any fields of its own. */
export function KeyBasicsStep({ subjectHelp, children }: { subjectHelp: string; children?: ReactNode }) {
  const { control, draft } = useKeyWizard();
  const { basics, setBasics, key } = draft;
  return (
    <>
      <KeyBasicsFields value={basics} onChange={setBasics} nameLocked={key !== null} subjectHelp={subjectHelp} />
      {typeof children === 'string' ? shown(children) : children}
      <StepActions>
        <Button variant="contained" disabled={basics.name.trim() === '' || basics.subject.trim() === ''} onClick={() => control.go('create')}>
          Next
        </Button>
      </StepActions>
    </>
  );
}

/**
 * The foot of a key wizard's create step: Back to the basics, then the
 * confirm button (it runs `onConfirm`) — or, once that is done, Next.
 */
export function CreateStepActions({ done, onNext, confirmLabel, onConfirm }: { done: boolean; onNext(): void; confirmLabel: string; onConfirm(): void }) {
  const { go, busy } = useKeyWizard().control;
  return (
    <StepActions onBack={() => go('basics')}>
      {done ? (
        <Button variant="contained" onClick={onNext}>
          Next
        </Button>
      ) : (
        <Button variant="contained" disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      )}
    </StepActions>
  );
}
