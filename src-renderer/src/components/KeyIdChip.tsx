import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import { useEffect, useState } from 'react';
import { MONO_FONT } from '../theme.ts';
import { shown } from './shown.ts';

/** "sha256:1a2b3c4d5e6f…": enough to tell keys apart and to read aloud to a witness. */
export function shortKeyId(id: string): string {
  const hex = id.startsWith('sha256:') ? id.slice(7) : id;
  return `sha256:${hex.slice(0, 12)}…`;
}

/**
 * A key id in monospace, short, with the full id on hover and a button that
 * copies the full id. The clipboard may refuse (no permission, no focus): then
 * the button says so instead of pretending.
 */
export function KeyIdChip({ id, name }: { id: string; name?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'refused'>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const t = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(t);
  }, [state]);
  const copy = () => {
    const clip = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
    if (!clip) {
      setState('refused');
      return;
    }
    clip.writeText(id).then(
      () => setState('copied'),
      () => setState('refused'),
    );
  };
  const label = `Copy key id${name ? ` of ${shown(name)}` : ''}`;
  const tip = state === 'copied' ? 'Copied the full key id' : state === 'refused' ? 'The clipboard refused: select the id and copy it by hand' : label;
  return (
    <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.25, whiteSpace: 'nowrap' }}>
      <Box component="span" title={id} data-testid="key-id" data-key-id={id} sx={{ fontFamily: MONO_FONT, fontSize: '0.88em' }}>
        {shortKeyId(id)}
      </Box>
      <Tooltip title={tip}>
        <IconButton size="small" aria-label={label} onClick={copy}>
          <ContentCopyIcon fontSize="inherit" />
        </IconButton>
      </Tooltip>
      <Box component="span" role="status" aria-live="polite" sx={{ position: 'absolute', width: '1px', height: '1px', whiteSpace: 'nowrap', overflow: 'hidden', clipPath: 'inset(50%)' }}>
        {state === 'copied' ? 'Key id copied' : state === 'refused' ? 'The clipboard refused the copy' : ''}
      </Box>
    </Box>
  );
}
