import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import { useEffect, useState } from 'react';
import { MONO_FONT } from '../theme.ts';
import { shown } from './shown.ts';

const GROUP = 4;

/** Hex in groups of four from its start. */
function groupsOf(hex: string): string[] {
  return hex.match(/.{1,4}/g) ?? [];
}

/**
 * Hex (a key id, a serial, a fingerprint, a hash) shortened in the middle, in
 * groups of four: "sha256:9d9a 4d7e … 0071 fa41". Two keys whose ids share a
 * prefix still differ on screen, and a witness reads the groups aloud.
 * `keep` groups of four stay at each end (the first and the last characters
 * of the value, whatever its length); a value that short is shown whole,
 * grouped. Colons and spaces in the value (a serial as OpenSSL prints it) are
 * dropped.
 */
export function shortHex(value: string, keep = 2): string {
  const prefix = /^[a-z0-9-]+:(?=[0-9a-fA-F]{9})/.exec(value)?.[0] ?? '';
  const hex = value.slice(prefix.length).replace(/[\s:]/g, '');
  const ends = keep * GROUP;
  if (hex.length <= ends * 2 + GROUP) return prefix + groupsOf(hex).join(' ');
  return `${prefix}${groupsOf(hex.slice(0, ends)).join(' ')} … ${groupsOf(hex.slice(-ends)).join(' ')}`;
}

/** What a hex value is, for the copy button's label and what it says. */
export type HexKind = 'key id' | 'serial number' | 'fingerprint' | 'hash';

/**
 * Hex in monospace, shortened in the middle, with the full value on hover and
 * a button that copies the full value. The clipboard may refuse (no
 * permission, no focus): then the button says so instead of pretending. The
 * one component for hex the console shows short.
 */
export function HexChip({ value, kind, of, keep = 2, testId }: { value: string; kind: HexKind; of?: string | undefined; keep?: number; testId?: string }) {
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
    clip.writeText(value).then(
      () => setState('copied'),
      () => setState('refused'),
    );
  };
  const label = `Copy ${kind}${of ? ` of ${shown(of)}` : ''}`;
  const tip = state === 'copied' ? `Copied the full ${kind}` : state === 'refused' ? `The clipboard refused: select the ${kind} and copy it by hand` : label;
  return (
    <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.25, whiteSpace: 'nowrap' }}>
      <Box component="span" title={value} data-testid={testId} data-hex={value} sx={{ fontFamily: MONO_FONT, fontSize: '0.88em' }}>
        {shortHex(value, keep)}
      </Box>
      <Tooltip title={tip}>
        <IconButton size="small" aria-label={label} onClick={copy}>
          <ContentCopyIcon fontSize="inherit" />
        </IconButton>
      </Tooltip>
      <Box component="span" role="status" aria-live="polite" sx={{ position: 'absolute', width: '1px', height: '1px', whiteSpace: 'nowrap', overflow: 'hidden', clipPath: 'inset(50%)' }}>
        {state === 'copied' ? `${kind[0]!.toUpperCase()}${kind.slice(1)} copied` : state === 'refused' ? 'The clipboard refused the copy' : ''}
      </Box>
    </Box>
  );
}

/** A key id, short, with the full id on hover and copy (`name`: whose id, for the copy button). */
export function KeyIdChip({ id, name }: { id: string; name?: string | undefined }) {
  return (
    <Box component="span" data-testid="key-id" data-key-id={id} sx={{ display: 'inline-flex' }}>
      <HexChip value={id} kind="key id" of={name} />
    </Box>
  );
}

/** A key as the console names it everywhere: "Name (sha256:9d9a 4d7e … 0071 fa41)". */
export function KeyName({ id, name }: { id: string; name: string | null | undefined }) {
  return (
    <Box component="span" data-testid="key-name" sx={{ overflowWrap: 'anywhere' }}>
      {name ? <>{shown(name)} (</> : null}
      <KeyIdChip id={id} name={name ?? undefined} />
      {name ? ')' : null}
    </Box>
  );
}
