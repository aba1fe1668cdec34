import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useEffect, useState } from 'react';
import type { Settings } from '../../../../src-main/api/contract.ts';
import { useApiAction } from '../../components/api-action.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { SettingsForm } from '../../components/SettingsForm.tsx';
import { useAppStore } from '../../store/index.ts';

/** The numeric policy settings this form edits (the PKCS#11 module path is set elsewhere; the witness-share rule only with the shares: vault emergency-witnesses). */
type PolicyKey = Exclude<keyof Settings, 'pkcs11Module' | 'emergencyWitnessShares'>;
type Draft = Record<PolicyKey, string>;

const FIELDS: Array<{ key: PolicyKey; label: string; help: string }> = [
  { key: 'trustedWindowDays', label: 'Trusted window (days)', help: 'How long a replaced active key stays in the trust bundle.' },
  { key: 'crlValidityDays', label: 'CRL validity (days)', help: 'From a CRL’s thisUpdate to its nextUpdate.' },
  { key: 'crlSafetyMarginDays', label: 'CRL safety margin (days)', help: 'The next ceremony is due this long before the CRLs run out.' },
  { key: 'autoLockMinutes', label: 'Auto-lock (minutes)', help: 'The vault locks itself after this long without activity.' },
  { key: 'bootstrapValidityDays', label: 'Bootstrap validity (days)', help: 'How long a bootstrap certificate is valid unless the issuance says otherwise.' },
  { key: 'activationReadiness', label: 'Activation readiness (%)', help: 'Agents that must have reported a bundle holding a staged key before it is activated.' },
];

function toDraft(s: Settings): Draft {
  return { trustedWindowDays: String(s.trustedWindowDays), crlValidityDays: String(s.crlValidityDays), crlSafetyMarginDays: String(s.crlSafetyMarginDays), autoLockMinutes: String(s.autoLockMinutes), bootstrapValidityDays: String(s.bootstrapValidityDays), activationReadiness: String(s.activationReadiness) };
}

/** Trusted window, CRL validity, auto-lock and bootstrap validity: the api checks the ranges and answers the stored values. */
export function PolicySettingsForm() {
  const settings = useAppStore((s) => s.settings);
  const settingsError = useAppStore((s) => s.settingsError);
  const loadSettings = useAppStore((s) => s.loadSettings);
  const refreshStatus = useAppStore((s) => s.refreshStatus);
  const { run, busy, error } = useApiAction();
  const [edits, setEdits] = useState<Partial<Draft>>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);

  if (!settings) return settingsError ? <ApiErrorAlert error={settingsError} title="The settings could not be read" /> : null;

  const draft: Draft = { ...toDraft(settings), ...edits };

  const save = async () => {
    setSaved(false);
    const num = (v: string) => (v.trim() === '' ? Number.NaN : Number(v));
    const r = await run('settings.update', { trustedWindowDays: num(draft.trustedWindowDays), crlValidityDays: num(draft.crlValidityDays), crlSafetyMarginDays: num(draft.crlSafetyMarginDays), autoLockMinutes: num(draft.autoLockMinutes), bootstrapValidityDays: num(draft.bootstrapValidityDays), activationReadiness: num(draft.activationReadiness) });
    if (!r.ok) return;
    setSaved(true);
    setEdits({});
    await Promise.all([loadSettings(), refreshStatus()]);
  };

  return (
    <SettingsForm onSubmit={() => void save()} submitLabel="Save settings" submitDisabled={busy} status={saved ? 'Saved.' : ''} statusTestId="settings-saved">
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
        {FIELDS.map((f) => (
          <TextField
            key={f.key}
            label={f.label}
            type="number"
            value={draft[f.key]}
            helperText={f.help}
            onChange={(e) => {
              setSaved(false);
              setEdits({ ...edits, [f.key]: e.target.value });
            }}
            slotProps={{ htmlInput: { inputMode: 'numeric', min: 1 } }}
            fullWidth
          />
        ))}
      </Stack>
      {error ? <ApiErrorAlert error={error} title="The settings were not saved" /> : null}
    </SettingsForm>
  );
}
