import Button from '@mui/material/Button';
import { useState, type ReactNode } from 'react';
import { KeyLocationFields } from './KeyLocationFields.tsx';
import { KeyBasicsFields } from './KeyBasicsFields.tsx';
import { useKeyWizard } from './key-wizard.ts';
import { StepActions } from './WizardFrame.tsx';
import { shown } from '../../components/shown.ts';
import { FieldRefusal } from '../../components/MessageText.tsx';
import { useAppStore } from '../../store/index.ts';

/** The first step of a key wizard: name, algorithm and subject (locked once the key exists), then any fields of its own. */
export function KeyBasicsStep({ subjectHelp, children }: { subjectHelp: string; children?: ReactNode }) {
  const { control, draft } = useKeyWizard();
  const { basics, setBasics, location, setLocation, key, takenName } = draft;
  const keys = useAppStore((s) => s.keys);
  // Said under the name field before the vault refuses it, and when it did (another CA's key): until the name is changed.
  const name = basics.name.trim();
  const nameError =
    key !== null || name === '' ? null : takenName?.name === name ? (
      <FieldRefusal refusal={takenName} />
    ) : keys?.some((k) => k.name === name) ? (
      `This CA already has a key named “${shown(name)}”. Key names are unique in the vault: choose another.`
    ) : null;
  // The token PIN lives in this step only: handed to the session on Next, then cleared.
  const [pin, setPin] = useState('');
  const tokenIncomplete = location.kind === 'token' && key === null && (location.serial === '' || pin === '');
  const next = async () => {
    if (location.kind === 'token' && key === null) {
      const r = await control.run('token.setPin', { pin });
      setPin('');
      if (!r.ok) return;
    }
    control.go('create');
  };
  return (
    <>
      <KeyBasicsFields value={basics} onChange={setBasics} nameLocked={key !== null} subjectHelp={subjectHelp} nameError={nameError} />
      <KeyLocationFields value={location} onChange={setLocation} locked={key !== null} pin={pin} onPin={setPin} />
      {typeof children === 'string' ? shown(children) : children}
      <StepActions>
        <Button variant="contained" disabled={control.busy || basics.name.trim() === '' || nameError !== null || basics.subject.trim() === '' || tokenIncomplete} onClick={() => void next()}>
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
