import Box from '@mui/material/Box';
import type { ReactNode } from 'react';
import { MonoText } from '../../components/MonoText.tsx';
import { ALGORITHM_LABELS } from './algorithms.ts';
import type { KeyBasics } from './KeyBasicsFields.tsx';
import { onTokenText, type KeyLocation } from './key-location.ts';
import { shown } from '../../components/shown.ts';

/** What a key wizard is about to create, read back before the officer confirms; `children` adds rows (<dt>/<dd> pairs). */
export function KeyBasicsSummary({ basics, location, children }: { basics: KeyBasics; location?: KeyLocation; children?: ReactNode }) {
  return (
    <Box component="dl" sx={{ m: 0, '& dt': { color: 'text.secondary' }, '& dd': { m: 0, mb: 1 } }}>
      <dt>Name</dt>
      <dd>{shown(basics.name)}</dd>
      <dt>Algorithm</dt>
      <dd>{ALGORITHM_LABELS[basics.algorithm]}</dd>
      <dt>Subject</dt>
      <dd>
        <MonoText>{basics.subject}</MonoText>
      </dd>
      {location ? (
        <>
          <dt>Where the key lives</dt>
          <dd data-testid="key-location">{location.kind === 'token' ? `${onTokenText(location)}: generated there, it never leaves the token` : 'In the vault, encrypted in the vault file'}</dd>
        </>
      ) : null}
      {typeof children === 'string' ? shown(children) : children}
    </Box>
  );
}
