import { InvalidArgumentError } from 'commander';

/** A whole-number option in [min, max]; anything else is a usage error (exit 2) naming the option. */
export function int(name: string, min: number, max: number): (v: string) => number {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return Number(v);
  };
}
