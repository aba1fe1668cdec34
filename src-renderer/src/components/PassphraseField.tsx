import Visibility from '@mui/icons-material/Visibility';
import VisibilityOff from '@mui/icons-material/VisibilityOff';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import { useState, type ReactNode } from 'react';
import { FieldRefusal } from './MessageText.tsx';
import { PassphrasePolicyHint } from './PassphrasePolicyHint.tsx';

interface Props {
  label: string;
  value: string;
  onChange(value: string): void;
  autoComplete: 'current-password' | 'new-password';
  helperText?: ReactNode;
  error?: boolean;
  autoFocus?: boolean;
  required?: boolean;
  /** The refusal of the value this field holds (field-refusal.ts): shown as the field's error in place of the help. */
  refusal?: { code: string; message: string } | null;
  /** Called on the first edit after a refusal: the refusal described the value refused, not the one typed since. */
  onRefusalStale?(): void;
  /** The help under a passphrase being chosen: its length against the policy. */
  policyHint?: boolean;
}

/** A passphrase input with a show/hide toggle that has its own accessible name. */
export function PassphraseField({ label, value, onChange, autoComplete, helperText, error, autoFocus, required, refusal, onRefusalStale, policyHint }: Props) {
  const [visible, setVisible] = useState(false);
  return (
    <TextField
      label={label}
      type={visible ? 'text' : 'password'}
      value={value}
      onChange={(e) => {
        onChange(e.target.value);
        if (refusal) onRefusalStale?.();
      }}
      autoComplete={autoComplete}
      helperText={refusal ? <FieldRefusal refusal={refusal} /> : policyHint ? <PassphrasePolicyHint length={value.length} /> : helperText}
      error={error === true || Boolean(refusal)}
      autoFocus={autoFocus}
      required={required}
      fullWidth
      slotProps={{
        htmlInput: { spellCheck: false, autoCapitalize: 'off' },
        input: {
          endAdornment: (
            <InputAdornment position="end">
              <IconButton aria-label={visible ? `Hide ${label.toLowerCase()}` : `Show ${label.toLowerCase()}`} onClick={() => setVisible((v) => !v)} edge="end">
                {visible ? <VisibilityOff /> : <Visibility />}
              </IconButton>
            </InputAdornment>
          ),
        },
      }}
    />
  );
}
