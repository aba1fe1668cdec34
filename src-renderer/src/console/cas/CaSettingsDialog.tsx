import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Divider from '@mui/material/Divider';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { CaView, OpInput, Settings } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { shown } from '../../components/shown.ts';
import { useAppStore } from '../../store/index.ts';

type DaysKey = 'trustedWindowDays' | 'crlValidityDays' | 'defaultValidityDays';

/**
 * The CA's own numeric settings, with the ranges of ca.update (src-main/api/contract/cas.ts): checked
 * here so each field says what is wrong before anything is sent, and checked again by the api.
 */
const DAYS: Array<{ key: DaysKey; label: string; min: number; max: number; what: string; follow: (s: Settings | null) => string }> = [
  { key: 'trustedWindowDays', label: 'Trusted window (days)', min: 1, max: 3650, what: 'how long a replaced active key of this CA stays in its trust bundle', follow: (s) => `Follow the vault's trusted window${s ? ` (${s.trustedWindowDays} days)` : ''}` },
  { key: 'crlValidityDays', label: 'CRL validity (days)', min: 1, max: 366, what: "from a CRL's thisUpdate to its nextUpdate", follow: (s) => `Follow the vault's CRL validity${s ? ` (${s.crlValidityDays} days)` : ''}` },
  { key: 'defaultValidityDays', label: 'Default validity (days)', min: 1, max: 36500, what: 'of a certificate whose request names no validity', follow: () => "Use each profile's default validity" },
];

interface Draft {
  name: string;
  own: Record<DaysKey, string | null>;
  profiles: string[] | null;
}

function draftOf(ca: CaView): Draft {
  const own = (v: number | null) => (v === null ? null : String(v));
  return { name: ca.name, own: { trustedWindowDays: own(ca.settings.trustedWindowDays), crlValidityDays: own(ca.settings.crlValidityDays), defaultValidityDays: own(ca.settings.defaultValidityDays) }, profiles: ca.settings.allowedProfiles };
}

/** null when the text is a whole number in range; else what to write. */
function daysProblem(text: string, min: number, max: number): string | null {
  return /^\d{1,6}$/.test(text.trim()) && Number(text) >= min && Number(text) <= max ? null : `Enter whole days from ${min} to ${max}.`;
}

/** The field an api refusal belongs to: CA_NAME_TAKEN at the name, "Invalid <field>: …" (zod, dispatch) at that field. */
function fieldOf(e: ApiFailure): 'name' | DaysKey | 'allowedProfiles' | null {
  if (e.code === 'CA_NAME_TAKEN' || e.code === 'CA_NOT_FOUND') return 'name';
  const m = /^Invalid (newName|trustedWindowDays|crlValidityDays|defaultValidityDays|allowedProfiles)\b/.exec(e.message);
  if (!m) return null;
  return m[1] === 'newName' ? 'name' : (m[1] as DaysKey | 'allowedProfiles');
}

/**
 * A CA's name and its own settings, as `ca rename` and `ca set` change them: the trusted window and
 * CRL validity of its rotations (or the vault's), the profiles it issues (or every one), the
 * validity of a certificate whose request names none (or the profile's). The name and the settings
 * are saved apart, each in one audited step (ca.renamed; ca.settings-changed with from and to); a
 * refusal is shown at its field and changes nothing.
 */
export function CaSettingsDialog({ caId, onClose }: { caId: string; onClose(): void }) {
  const cas = useAppStore((s) => s.cas);
  const settings = useAppStore((s) => s.settings);
  const loadSettings = useAppStore((s) => s.loadSettings);
  const loadCas = useAppStore((s) => s.loadCas);
  const ca = cas?.find((c) => c.id === caId) ?? null;
  const [draft, setDraft] = useState<Draft | null>(ca ? draftOf(ca) : null);
  const [profileNames, setProfileNames] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [tried, setTried] = useState(false);
  const [nameError, setNameError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<DaysKey | 'allowedProfiles', string>>>({});
  const [otherError, setOtherError] = useState<ApiFailure | null>(null);
  const [status, setStatus] = useState('');

  useEffect(() => {
    void loadSettings();
    void call('cert.profiles', {}).then((r) => {
      if (r.ok) setProfileNames(r.value.map((p) => p.name));
      else setOtherError(r);
    });
  }, [loadSettings]);

  if (!ca || !draft) return null;

  const local: Partial<Record<DaysKey | 'allowedProfiles', string>> = {};
  for (const f of DAYS) {
    const v = draft.own[f.key];
    const p = v === null ? null : daysProblem(v, f.min, f.max);
    if (p) local[f.key] = p;
  }
  if (draft.profiles !== null && draft.profiles.length === 0) local.allowedProfiles = 'Tick at least one profile, or let the CA issue every profile.';
  const shownError = (k: DaysKey | 'allowedProfiles') => (tried ? local[k] : undefined) ?? fieldErrors[k];

  const rename = async () => {
    setBusy(true);
    setStatus('');
    setNameError(null);
    setOtherError(null);
    const r = await call('ca.rename', { name: ca.name, newName: draft.name.trim() });
    setBusy(false);
    if (!r.ok) {
      if (fieldOf(r) === 'name') setNameError(r.message);
      else setOtherError(r);
      return;
    }
    await loadCas();
    setDraft({ ...draft, name: r.value.name });
    setStatus(`Renamed to ${r.value.name}.`);
  };

  const save = async () => {
    setTried(true);
    setStatus('');
    setFieldErrors({});
    setOtherError(null);
    if (Object.keys(local).length) return;
    const days = (k: DaysKey) => (draft.own[k] === null ? null : Number(draft.own[k]));
    setBusy(true);
    const r = await call('ca.update', { name: ca.name, trustedWindowDays: days('trustedWindowDays'), crlValidityDays: days('crlValidityDays'), defaultValidityDays: days('defaultValidityDays'), allowedProfiles: draft.profiles as OpInput<'ca.update'>['allowedProfiles'] });
    setBusy(false);
    if (!r.ok) {
      const field = fieldOf(r);
      if (field && field !== 'name') setFieldErrors({ [field]: r.message });
      else setOtherError(r);
      return;
    }
    setTried(false);
    await loadCas();
    setDraft({ ...draftOf(r.value), name: draft.name });
    setStatus('Settings saved.');
  };

  const setOwn = (k: DaysKey, v: string | null) => {
    setStatus('');
    setFieldErrors({ ...fieldErrors, [k]: undefined });
    setDraft({ ...draft, own: { ...draft.own, [k]: v } });
  };
  const vaultValue = (k: DaysKey) => (k === 'trustedWindowDays' ? settings?.trustedWindowDays : k === 'crlValidityDays' ? settings?.crlValidityDays : undefined);
  const nameChanged = draft.name.trim() !== ca.name;

  return (
    <Dialog open onClose={onClose} aria-labelledby="ca-settings-title" maxWidth="sm" fullWidth data-testid="ca-settings-dialog">
      <DialogTitle id="ca-settings-title">Settings of the CA {shown(ca.name)}</DialogTitle>
      <DialogContent>
        <Stack spacing={1.5} sx={{ pt: 1 }}>
          <Box
            component="form"
            aria-label="Name of the CA"
            onSubmit={(e) => {
              e.preventDefault();
              if (nameChanged && !busy) void rename();
            }}
          >
            <Typography variant="subtitle2" component="h3" gutterBottom>
              Name (renamed on its own)
            </Typography>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
              <TextField
                label="CA name"
                value={draft.name}
                onChange={(e) => {
                  setNameError(null);
                  setStatus('');
                  setDraft({ ...draft, name: e.target.value });
                }}
                error={nameError !== null}
                helperText={nameError ?? 'Its keys, certificates and CRLs stay with it; --ca takes the new name.'}
                fullWidth
                size="small"
              />
              <Button type="submit" variant="outlined" disabled={busy || !nameChanged || draft.name.trim() === ''} sx={{ flexShrink: 0, mt: 0.25 }}>
                Rename
              </Button>
            </Stack>
          </Box>
          <Divider />
          <Stack
            component="form"
            id="ca-own-settings-form"
            aria-label="Own settings of the CA"
            spacing={1.5}
            onSubmit={(e) => {
              e.preventDefault();
              if (!busy) void save();
            }}
          >
            <Typography variant="subtitle2" component="h3">
              Its own settings (saved together; "follow" uses the vault's)
            </Typography>
            {DAYS.map((f) => {
              const own = draft.own[f.key];
              const problem = shownError(f.key);
              return (
                <Stack key={f.key} direction="row" spacing={1.5} sx={{ alignItems: 'flex-start', minHeight: 40 }}>
                  <FormControlLabel
                    sx={{ flex: 1, minWidth: 0, mt: 0.25 }}
                    control={<Checkbox checked={own === null} onChange={(e) => setOwn(f.key, e.target.checked ? null : String(f.key === 'defaultValidityDays' ? 365 : (vaultValue(f.key) ?? f.min)))} />}
                    label={f.follow(settings)}
                  />
                  {own !== null ? (
                    <TextField
                      label={f.label}
                      value={own}
                      onChange={(e) => setOwn(f.key, e.target.value)}
                      error={problem !== undefined}
                      helperText={problem ?? `${f.min} to ${f.max} days: ${f.what}.`}
                      slotProps={{ htmlInput: { inputMode: 'numeric' } }}
                      size="small"
                      sx={{ width: 240, flexShrink: 0 }}
                    />
                  ) : null}
                </Stack>
              );
            })}
            <FormControl component="fieldset" error={shownError('allowedProfiles') !== undefined}>
              <FormLabel component="legend">Profiles this CA issues</FormLabel>
              <FormControlLabel
                control={
                  <Checkbox
                    checked={draft.profiles === null}
                    onChange={(e) => {
                      setStatus('');
                      setFieldErrors({ ...fieldErrors, allowedProfiles: undefined });
                      setDraft({ ...draft, profiles: e.target.checked ? null : [...(profileNames ?? [])] });
                    }}
                  />
                }
                label="Every profile"
              />
              {draft.profiles !== null ? (
                <FormGroup row sx={{ pl: 2 }}>
                  {(profileNames ?? []).map((p) => (
                    <FormControlLabel
                      key={p}
                      control={
                        <Checkbox
                          checked={draft.profiles?.includes(p) ?? false}
                          onChange={(e) => {
                            setStatus('');
                            setFieldErrors({ ...fieldErrors, allowedProfiles: undefined });
                            const now = draft.profiles ?? [];
                            setDraft({ ...draft, profiles: e.target.checked ? [...now, p] : now.filter((x) => x !== p) });
                          }}
                        />
                      }
                      label={p}
                    />
                  ))}
                </FormGroup>
              ) : null}
              <FormHelperText>{shownError('allowedProfiles') ?? 'Another profile is refused (PROFILE_NOT_ALLOWED) when this CA issues.'}</FormHelperText>
            </FormControl>
          </Stack>
          <Typography role="status" color="success.main" data-testid="ca-settings-status">
            {status}
          </Typography>
          {otherError ? <ApiErrorAlert error={otherError} title="Nothing was changed" /> : null}
          <Typography variant="body2" color="text.secondary">
            Each change is recorded in the audit log (ca.renamed; ca.settings-changed with the values before and after).
          </Typography>
        </Stack>
      </DialogContent>
      {/* In the actions, always in view: the settings above may scroll on a 720-pixel screen. */}
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
        <Button type="submit" form="ca-own-settings-form" variant="contained" disabled={busy}>
          Save settings
        </Button>
      </DialogActions>
    </Dialog>
  );
}
