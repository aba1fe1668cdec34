import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import type { ApiFailure } from '../api.ts';
import { MONO_FONT } from '../theme.ts';
import { MessageText } from './MessageText.tsx';

/** An api failure as the officer reads it: the api's own message, its code for the log book. */
export function ApiErrorAlert({ error, title }: { error: ApiFailure; title: string }) {
  return (
    <Alert severity="error" role="alert" data-testid="api-error">
      <AlertTitle>{title}</AlertTitle>
      <MessageText text={error.message} />
      <Box component="span" sx={{ display: 'block', mt: 0.5, fontFamily: MONO_FONT, fontSize: '0.8rem', opacity: 0.8 }}>
        {error.code}
      </Box>
    </Alert>
  );
}
