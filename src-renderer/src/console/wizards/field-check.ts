import type { FieldProblem, OpInput } from '../../../../src-main/api/contract.ts';
import type { ApiAction } from '../../components/api-action.ts';

/** A typed value the main process refused (input.check), kept with the very value it refused. */
export interface CheckedValue {
  value: string;
  problem: FieldProblem;
}

/** The refusals a step's check found, by field. */
export interface CheckedFields {
  subject: CheckedValue | null;
  days: CheckedValue | null;
}

export const NOTHING_REFUSED: CheckedFields = { subject: null, days: null };

/**
 * The refusal to show at a field now: only while the field still holds the
 * value refused; any edit clears it (the message describes that value, not
 * the one typed since).
 */
export function problemAt(checked: CheckedValue | null, value: string): FieldProblem | null {
  return checked !== null && checked.value === value ? checked.problem : null;
}

/**
 * Checks a step's typed values with the main process (input.check: the same
 * parsers and limits as the operation that takes them later) when the
 * officer presses Next. Returns the refusals found, by field, and whether the
 * step may go on; null when the check itself failed (the wizard shows that
 * refusal as any other).
 */
export async function checkTyped(run: ApiAction['run'], input: OpInput<'input.check'>): Promise<{ passed: boolean; checked: CheckedFields } | null> {
  const r = await run('input.check', input);
  if (!r.ok) return null;
  const checked: CheckedFields = {
    subject: r.value.subject && input.subject !== undefined ? { value: input.subject, problem: r.value.subject } : null,
    days: r.value.days && input.days ? { value: input.days.value, problem: r.value.days } : null,
  };
  return { passed: checked.subject === null && checked.days === null, checked };
}
