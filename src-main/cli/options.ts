import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { contract, type OpName } from '../api/contract.ts';

/** A whole-number option in [min, max]; anything else is a usage error (exit 2) naming the option. */
export function int(name: string, min: number, max: number): (v: string) => number {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return Number(v);
  };
}

/**
 * A whole-number option whose limits are read from the operation's input
 * schema, so the CLI never restates (and drifts from) zod's bounds.
 */
export function intFor(name: string, op: OpName, field: string): (v: string) => number {
  const shape = (contract[op].input as unknown as z.ZodObject).shape;
  let s: z.ZodType | undefined = shape[field];
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  if (!(s instanceof z.ZodNumber) || s.minValue === null || s.maxValue === null) throw new Error(`${op}.${field} is not a bounded number`);
  return int(name, s.minValue, s.maxValue);
}
