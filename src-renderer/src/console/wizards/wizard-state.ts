import { useCallback, useState } from 'react';
import { useAppStore } from '../../store/index.ts';
import type { WizardId } from '../../store/nav-slice.ts';

/** One row of a wizard's step table: the stepper, the order and Back/Next all derive from the table. */
export interface WizardStepDef<Id extends string = string> {
  id: Id;
  label: string;
  /** What happens next, shown under the step heading: the officer always knows what the next press does. */
  next: string;
}

/** Position of a step in its table (for "has the wizard passed this step?"). */
export function stepIndex<Id extends string>(steps: readonly WizardStepDef<Id>[], id: Id): number {
  return steps.findIndex((s) => s.id === id);
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
