import Box from '@mui/material/Box';
import type { ReactNode } from 'react';
import { MonoText } from '../../components/MonoText.tsx';
import { ALGORITHM_LABELS } from './algorithms.ts';
import type { KeyBasics } from './KeyBasicsFields.tsx';
import { shown } from '../../components/shown.ts';

/** What a key wizard is about to create, read back before the officer confirms; `children` adds rows (<dt>/<dd> pairs). */
export function KeyBasicsSummary({ basics, children }: { basics: KeyBasics; children?: ReactNode }) {
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
      {typeof children === 'string' ? shown(children) : children}
    </Box>
  );
}
