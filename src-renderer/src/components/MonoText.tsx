import Box from '@mui/material/Box';
import type { ReactNode } from 'react';
import { MONO_FONT } from '../theme.ts';
import { shown } from './shown.ts';

/** Ids, key ids and paths: monospace, wrapping anywhere so long ids never overflow; text children are shown escaped. */
export function MonoText({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <Box component="span" data-testid={testId} sx={{ fontFamily: MONO_FONT, overflowWrap: 'anywhere', fontSize: '0.92em' }}>
      {typeof children === 'string' ? shown(children) : children}
    </Box>
  );
}
