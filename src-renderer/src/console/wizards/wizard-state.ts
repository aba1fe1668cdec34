import { createContext, useCallback, useContext, useMemo, useState, type ComponentType } from 'react';
import { useApiAction, type ApiAction } from '../../components/api-action.ts';
import { useAppStore, type AppStore } from '../../store/index.ts';
import type { WizardId } from '../../store/nav-slice.ts';

/** One row of a wizard's step table: the stepper, the order, the heading and the step shown all derive from the table. */
export interface WizardStepDef<Id extends string = string> {
  id: Id;
  /** The stepper's label; also the heading's, after "Step n of m:", unless `title` says more. */
  label: string;
  title?: string;
  /** What happens next, shown under the step heading: the officer always knows what the next press does. */
  next: string | ((store: AppStore) => string);
  /** The step itself; it reads its wizard's draft and `useWizard()`, so it takes no props. */
  Step: ComponentType;
  /** The step shows the wizard's refusal itself (where and with which title); otherwise the frame shows it under the step, when the wizard says how. */
  placesRefusal?: true;
  /** The step's action writes to the vault or a medium. Escape closes a wizard only before its first such step (see WizardFrame). */
  writes?: true;
}

/** Position of a step in its table (for "has the wizard passed this step?"). */
export function stepIndex<Id extends string>(steps: readonly WizardStepDef<Id>[], id: Id): number {
  return steps.findIndex((s) => s.id === id);
}

/** Where a wizard is and how it moves. */
export interface WizardNav<Id extends string = string> {
  /** Whose draft the steps read (steps shared by several wizards). */
  wizard: WizardId;
  step: Id;
  /** To another step; the refusal shown belongs to the step left, so it goes. */
  go(id: Id): void;
  /** To another step, keeping the refusal (it explains why the wizard came back there). */
  setStep(id: Id): void;
}

/** What the frame hands its steps: the navigation and the one way they call the api. */
export type WizardControl<Id extends string = string> = WizardNav<Id> & ApiAction;

export const WizardContext = createContext<WizardControl | null>(null);

/** The open wizard's control, inside its frame. */
export function useWizard<Id extends string>(): WizardControl<Id> {
  const control = useContext(WizardContext);
  if (!control) throw new Error('useWizard is used outside a WizardFrame');
  // The frame was given this wizard's control; its step ids are the table's.
  return control as unknown as WizardControl<Id>;
}

/**
 * The control of a wizard whose step lives in its draft (so it survives an
 * auto-lock) and whose api calls go through one useApiAction (busy flags and
 * the refusal stay component state: after unlocking nothing runs and no stale
 * refusal is shown).
 */
export function useWizardControl<Id extends string>(wizard: WizardId, initial: Id): WizardControl<Id> {
  const [step, setStep] = useWizardField<Id>(wizard, 'step', initial);
  const api = useApiAction();
  const { setError } = api;
  const go = useCallback(
    (id: Id) => {
      setError(null);
      setStep(id);
    },
    [setError, setStep],
  );
  return useMemo(() => ({ ...api, wizard, step, go, setStep }), [api, wizard, step, go, setStep]);
}

/**
 * useState for a wizard's choices, kept in the store (wizard-drafts-slice) so
 * that an auto-lock mid-wizard loses nothing. Only use it for what the officer
 * chose or what the api answered; busy flags and errors stay in the component.
 */
export function useWizardField<T>(wizard: WizardId, field: string, initial: T): [T, (value: T | ((prev: T) => T)) => void] {
  // The first render's initial value counts, as with useState; the setter stays the same function across renders.
  const [first] = useState(initial);
  const read = useCallback(
    (draft: Readonly<Record<string, unknown>> | undefined): T =>
      // Only this hook writes the field, always with a T; the store holds it as unknown.
      draft && Object.hasOwn(draft, field) ? (draft[field] as T) : first,
    [field, first],
  );
  const value = read(useAppStore((s) => s.wizardDrafts[wizard]));
  const set = useCallback(
    (v: T | ((prev: T) => T)) => {
      const store = useAppStore.getState();
      store.setWizardField(wizard, field, typeof v === 'function' ? (v as (prev: T) => T)(read(store.wizardDrafts[wizard])) : v);
    },
    [wizard, field, read],
  );
  return [value, set];
}

