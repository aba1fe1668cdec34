import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useCallback, useState, type ReactNode } from 'react';
import type { TokenView } from '../../../../src-main/api/contract.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { useApiAction } from '../../components/api-action.ts';
import { shown } from '../../components/shown.ts';
import { IN_THE_VAULT, isTokenCode, tokenRefusalText, type KeyLocation } from './key-location.ts';

export function TokenRefusalAlert({ code, retryButton }: { code: Parameters<typeof tokenRefusalText>[0]; retryButton?: string }) {
  const { title, text } = tokenRefusalText(code, retryButton);
  return (
    <Alert severity="error" sx={{ mt: 2 }} data-testid="token-refusal">
      <AlertTitle>{title}</AlertTitle>
      {text}
    </Alert>
  );
}

/**
 * Where the new key lives: in the vault (encrypted in the vault file) or on a
 * PKCS#11 token picked by label and serial, with the token's user PIN. The
 * PIN stays in this form's memory only until Next hands it to the session.
 */
export function KeyLocationFields({ value, onChange, locked, pin, onPin, pinError = null }: { value: KeyLocation; onChange(v: KeyLocation): void; locked: boolean; pin: string; onPin(pin: string): void; pinError?: ReactNode }) {
  const { run, busy, error } = useApiAction();
  const [tokens, setTokens] = useState<TokenView[] | null>(null);
  const onToken = value.kind === 'token';
  const look = useCallback(async () => {
    const r = await run('token.list', {});
    setTokens(r.ok ? r.value.filter((t) => t.initialized) : null);
  }, [run]);
  // Back from the next step, before the tokens are listed again, the picker still shows the one chosen.
  const options: Array<Pick<TokenView, 'label' | 'serial' | 'pinLocked'>> = tokens ?? (onToken && value.serial !== '' ? [{ label: value.label, serial: value.serial, pinLocked: false }] : []);
  const chosen = onToken ? (options.find((t) => t.serial === value.serial) ?? null) : null;
  return (
    <Stack spacing={2} sx={{ mt: 2 }}>
      <FormControl disabled={locked}>
        {/* Locked once the key exists: the question stays legible (the disabled grey fails contrast), the choice greyed as a disabled control. */}
        <FormLabel id="key-location-label" sx={{ '&.Mui-disabled': { color: 'text.secondary' } }}>
          Where the key lives
        </FormLabel>
        <RadioGroup aria-labelledby="key-location-label" value={value.kind} onChange={(e) => {
            const token = e.target.value === 'token';
            onChange(token ? { kind: 'token', label: '', serial: '' } : IN_THE_VAULT);
            // Listed when chosen (and again on request): a token plugged in later shows up with "Look for tokens again".
            if (token) void look();
          }}>
          <FormControlLabel value="vault" control={<Radio />} label="In the vault (encrypted in the vault file)" />
          <FormControlLabel value="token" control={<Radio />} label="On a hardware token (PKCS#11; the private key never leaves it)" />
        </RadioGroup>
      </FormControl>
      {onToken && !locked ? (
        <>
          {tokens !== null && tokens.length === 0 ? (
            <Alert severity="warning" data-testid="token-none">
              <AlertTitle>No token found</AlertTitle>
              Insert the token, then look for tokens again.
            </Alert>
          ) : null}
          {error ? isTokenCode(error.code) ? <TokenRefusalAlert code={error.code} /> : <ApiErrorAlert error={error} title="The tokens could not be listed" /> : null}
          <Stack direction="row" spacing={2} sx={{ alignItems: 'flex-start' }}>
            <FormControl sx={{ minWidth: '28ch' }} disabled={options.length === 0}>
              <InputLabel id="key-token-label">Token</InputLabel>
              <Select
                labelId="key-token-label"
                label="Token"
                value={chosen ? chosen.serial : ''}
                onChange={(e) => {
                  const t = options.find((x) => x.serial === e.target.value);
                  if (t) onChange({ kind: 'token', label: t.label, serial: t.serial });
                }}
              >
                {options.map((t) => (
                  <MenuItem key={t.serial} value={t.serial} disabled={t.pinLocked}>
                    {shown(t.label)} (serial {t.serial}){t.pinLocked ? ', PIN locked' : ''}
                  </MenuItem>
                ))}
              </Select>
            </FormControl>
            <Button variant="outlined" disabled={busy} onClick={() => void look()}>
              Look for tokens again
            </Button>
          </Stack>
          {chosen ? (
            <TextField
              label="Token PIN"
              type="password"
              autoComplete="off"
              value={pin}
              onChange={(e) => onPin(e.target.value)}
              error={pinError !== null}
              helperText={pinError ?? `The user PIN of ${shown(chosen.label)}. It is held in memory until the vault locks, never stored or logged.`}
              slotProps={{ htmlInput: { spellCheck: false, 'data-testid': 'token-pin' } }}
              required
            />
          ) : null}
        </>
      ) : null}
    </Stack>
  );
}
