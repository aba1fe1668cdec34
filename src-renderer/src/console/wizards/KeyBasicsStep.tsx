import Button from '@mui/material/Button';
import { useState, type ReactNode } from 'react';
import { KeyLocationFields, TokenRefusalAlert } from './KeyLocationFields.tsx';
import { PIN_AT_FIELD, TOKEN_CODES, useTokenRefusal } from './key-location.ts';
import { KeyBasicsFields } from './KeyBasicsFields.tsx';
import { useKeyWizard } from './key-wizard.ts';
import { StepActions } from './WizardFrame.tsx';
import { shown } from '../../components/shown.ts';
import { FieldRefusal } from '../../components/MessageText.tsx';
import { useAppStore } from '../../store/index.ts';
import type { ErrorCode, OpInput } from '../../../../src-main/api/contract.ts';
import { checkTyped, problemAt } from './field-check.ts';

/** The validity a key wizard's basics step holds, as input.check takes it. */
export type DaysCheck = NonNullable<OpInput<'input.check'>['days']>;


/**
 * The first step of a key wizard: name, algorithm and subject (locked once
 * the key exists), then any fields of its own (`days`: the validity the step
 * also holds, checked with the subject). On Next the main process checks
 * the subject and the validity (input.check) and, for a key on a token, the
 * token tries the PIN (token.checkPin): a refusal stands at its field, on
 * this step, until the field is edited.
 */
export function KeyBasicsStep({ subjectHelp, days, children }: { subjectHelp: string; days?: DaysCheck; children?: ReactNode }) {
  const { control, draft } = useKeyWizard();
  const { basics, setBasics, location, setLocation, key, takenName, refused, setRefused } = draft;
  const keys = useAppStore((s) => s.keys);
  // Said under the name field before the vault refuses it, and when it did (another CA's key): until the name is changed.
  const name = basics.name.trim();
  const nameError =
    key !== null || name === '' ? null : takenName?.name === name ? (
      <FieldRefusal refusal={takenName} />
    ) : keys?.some((k) => k.name === name) ? (
      `This CA already has a key named “${shown(name)}”. Key names are unique in the vault: choose another.`
    ) : null;
  const subjectProblem = problemAt(refused.subject, basics.subject);
  const daysProblem = days ? problemAt(refused.days, days.value) : null;
  // The token PIN lives in this step only: handed to the session on Next (the token tries it), then cleared.
  const [pin, setPin] = useState('');
  const [pinRefused, setPinRefused] = useState<ErrorCode | null>(null);
  const [tokenRefusal, noteToken] = useTokenRefusal();
  const onPin = (v: string) => {
    setPin(v);
    setPinRefused(null);
  };
  const tokenIncomplete = location.kind === 'token' && key === null && (location.serial === '' || pin === '');
  const next = () =>
    control.busyWhile(async () => {
      const c = await checkTyped(control.run, { subject: basics.subject, ...(days ? { days } : {}) });
      if (!c) return;
      setRefused(c.checked);
      if (!c.passed) return;
      if (location.kind === 'token' && key === null) {
        const r = await control.run('token.checkPin', { token: { serial: location.serial }, pin }, { handles: TOKEN_CODES });
        setPin('');
        // The PIN's refusals at the PIN field; the token's others (not plugged in, …) in officer words above the button.
        const atPin = !r.ok && r.code in PIN_AT_FIELD;
        setPinRefused(atPin ? r.code : null);
        noteToken(!r.ok && !atPin ? r : { ok: true });
        if (!r.ok) return;
      }
      control.go('create');
    });
  return (
    <>
      <KeyBasicsFields value={basics} onChange={setBasics} nameLocked={key !== null} subjectHelp={subjectHelp} nameError={nameError} subjectError={subjectProblem ? <FieldRefusal refusal={subjectProblem} /> : null} />
      <KeyLocationFields
        value={location}
        onChange={setLocation}
        locked={key !== null}
        pin={pin}
        onPin={onPin}
        pinError={pinRefused ? <span data-testid="field-refusal" data-code={pinRefused}>{PIN_AT_FIELD[pinRefused]}</span> : null}
      />
      {typeof children === 'string' ? shown(children) : children}
      {tokenRefusal ? <TokenRefusalAlert code={tokenRefusal} /> : null}
      <StepActions>
        <Button
          variant="contained"
          disabled={control.busy || basics.name.trim() === '' || nameError !== null || basics.subject.trim() === '' || subjectProblem !== null || daysProblem !== null || tokenIncomplete}
          onClick={() => void next()}
        >
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
