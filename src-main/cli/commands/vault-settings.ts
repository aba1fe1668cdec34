import { Command } from 'commander';
import { z } from 'zod';
import { contract } from '../../api/contract.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../api/contract/settings.ts';
import { DomainError } from '../../core/errors.ts';
import type { Action } from '../context.ts';
import { table } from '../format.ts';

/** The numeric vault settings `vault settings` sets, each with its option (named as `ca set` names the CA's own). */
const NUMERIC = [
  { name: 'autoLockMinutes', option: '--auto-lock', arg: 'MINUTES', unit: 'minutes', what: 'minutes of inactivity before the vault locks itself' },
  { name: 'trustedWindowDays', option: '--trusted-window', arg: 'DAYS', unit: 'days', what: 'days a replaced active key stays in the trust bundle (a CA may have its own: ca set)' },
  { name: 'crlValidityDays', option: '--crl-validity', arg: 'DAYS', unit: 'days', what: "days from a CRL's thisUpdate to its nextUpdate (a CA may have its own: ca set)" },
  { name: 'crlSafetyMarginDays', option: '--crl-margin', arg: 'DAYS', unit: 'days', what: 'days before a CRL expires by which the next ceremony must publish (crl calendar, crl presign)' },
  { name: 'bootstrapValidityDays', option: '--bootstrap-days', arg: 'DAYS', unit: 'days', what: 'validity of a bootstrap certificate whose request names none' },
  { name: 'activationReadiness', option: '--activation-readiness', arg: 'PERCENT', unit: '%', what: 'percent of known agents that must trust a staged key before key activate' },
] as const satisfies ReadonlyArray<{ name: keyof Settings; option: string; arg: string; unit: string; what: string }>;

type NumericName = (typeof NUMERIC)[number]['name'];

/** The range zod allows for a setting (settings.update's schema): the CLI never restates it. */
function rangeOf(name: NumericName): { min: number; max: number } {
  let s = (contract['settings.update'].input as unknown as z.ZodObject).shape[name] as z.ZodType;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
  const n = s as z.ZodNumber;
  return { min: n.minValue ?? 0, max: n.maxValue ?? 0 };
}

/**
 * `--x 90`, or `--x default` for the built-in default. Every option is checked before anything is
 * asked of the vault, and every bad one is named with its range in one INVALID_INPUT (exit 2).
 */
function parseAll(raw: Partial<Record<string, string>>): Partial<Record<NumericName, number>> {
  const out: Partial<Record<NumericName, number>> = {};
  const bad: string[] = [];
  for (const s of NUMERIC) {
    const v = raw[optionKey(s.option)];
    if (v === undefined) continue;
    const { min, max } = rangeOf(s.name);
    if (v === 'default') out[s.name] = DEFAULT_SETTINGS[s.name];
    else if (/^\d{1,6}$/.test(v) && Number(v) >= min && Number(v) <= max) out[s.name] = Number(v);
    else bad.push(`${s.option} must be a whole number from ${min} to ${max} (${s.what}), or "default" (${DEFAULT_SETTINGS[s.name]}); "${v}" is not`);
  }
  if (bad.length) throw new DomainError('INVALID_INPUT', `${bad.join('; ')}. Nothing was changed.`);
  return out;
}

/** commander's attribute name of an option: --activation-readiness → activationReadiness. */
const optionKey = (option: string) => option.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export interface SettingEntry {
  name: keyof Settings;
  value: number | string | boolean | null;
  default: number | string | boolean | null;
  isDefault: boolean;
  option: string;
  min: number | null;
  max: number | null;
  /** CAs whose own setting replaces this one for them (ca set). */
  overriddenBy: string[];
}

const show = (v: number | string | boolean | null, unit: string): string => (v === null ? '(none)' : typeof v === 'boolean' ? (v ? 'required' : 'not required') : typeof v === 'number' ? `${v}${unit === '%' ? '%' : ` ${unit}`}` : v);

export function vaultSettingsCommand(action: Action): Command {
  const cmd = new Command('settings').description('show the vault-level settings (and which are defaults), or change them: all given options or none');
  for (const s of NUMERIC) {
    const { min, max } = rangeOf(s.name);
    cmd.option(`${s.option} <${s.arg}|default>`, `${s.what} (${min}–${max}, default ${DEFAULT_SETTINGS[s.name]})`);
  }
  cmd.action(
    action(async (ctx, opts: Partial<Record<string, string>>) => {
      const given = Object.entries(parseAll(opts));
      await ctx.unlock();
      const before = await ctx.call('settings.get', {});
      // One settings.update for every option given: zod checks them all before anything is written, then one transaction.
      const after = given.length ? await ctx.call('settings.update', Object.fromEntries(given)) : before;
      const cas = await ctx.call('ca.list', {});
      const changed = NUMERIC.filter((s) => before[s.name] !== after[s.name]).map((s) => ({ name: s.name, from: before[s.name], to: after[s.name] }));
      const own = (name: keyof Settings) => cas.filter((c) => (name === 'trustedWindowDays' ? c.settings.trustedWindowDays : name === 'crlValidityDays' ? c.settings.crlValidityDays : null) !== null).map((c) => c.name);
      const entries: SettingEntry[] = [
        ...NUMERIC.map((s) => ({ name: s.name, value: after[s.name], default: DEFAULT_SETTINGS[s.name], isDefault: after[s.name] === DEFAULT_SETTINGS[s.name], option: s.option, ...rangeOf(s.name), overriddenBy: own(s.name) })),
        { name: 'pkcs11Module', value: after.pkcs11Module, default: DEFAULT_SETTINGS.pkcs11Module, isDefault: after.pkcs11Module === DEFAULT_SETTINGS.pkcs11Module, option: 'token module', min: null, max: null, overriddenBy: [] },
        { name: 'emergencyWitnessShares', value: after.emergencyWitnessShares, default: DEFAULT_SETTINGS.emergencyWitnessShares, isDefault: after.emergencyWitnessShares === DEFAULT_SETTINGS.emergencyWitnessShares, option: 'vault emergency-witnesses', min: null, max: null, overriddenBy: [] },
      ];
      const unit = (name: keyof Settings) => NUMERIC.find((s) => s.name === name)?.unit ?? '';
      const rows = entries.map((e) => [
        e.name,
        `${show(e.value, unit(e.name))}${e.isDefault ? ' (default)' : ''}`,
        show(e.default, unit(e.name)),
        e.min !== null ? `${e.option} ${e.min}–${e.max}` : e.option,
        e.overriddenBy.length ? `own setting in CA ${e.overriddenBy.map((n) => `"${n}"`).join(', ')}` : null,
      ]);
      const head = given.length === 0 ? '' : changed.length ? `Changed (audited as settings.updated): ${changed.map((c) => `${c.name} ${c.from} → ${c.to}`).join(', ')}.\n\n` : 'Nothing changed: every value given is the current one.\n\n';
      const text = head + table(['SETTING', 'VALUE', 'DEFAULT', 'SET WITH', 'NOTE'], rows);
      return { json: { settings: entries, changed }, text };
    }),
  );
  return cmd;
}
