import CheckCircleOutlined from '@mui/icons-material/CheckCircleOutlined';
import RadioButtonUnchecked from '@mui/icons-material/RadioButtonUnchecked';
import Box from '@mui/material/Box';

/**
 * Shown while typing. Display only: the api enforces the policy
 * (core/vault/passphrase-policy.ts) and its refusal is shown as an error.
 */
export const PASSPHRASE_MIN_LENGTH = 12;

export function PassphrasePolicyHint({ length }: { length: number }) {
  const met = length >= PASSPHRASE_MIN_LENGTH;
  return (
    <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5 }} data-testid="passphrase-policy">
      {met ? <CheckCircleOutlined fontSize="inherit" color="success" aria-hidden /> : <RadioButtonUnchecked fontSize="inherit" aria-hidden />}
      At least {PASSPHRASE_MIN_LENGTH} characters ({length} so far{met ? ', long enough' : ''})
    </Box>
  );
}
