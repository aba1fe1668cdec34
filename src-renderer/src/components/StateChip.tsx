import Chip from '@mui/material/Chip';
import type { KeyStateName } from '../../../src-main/api/contract.ts';

// Colours that keep AA contrast in both themes (MUI's info and warning chips do not).
const LOOK: Record<KeyStateName, { label: string; color: 'success' | 'primary' | 'default' | 'error'; variant: 'filled' | 'outlined' }> = {
  active: { label: 'Active', color: 'success', variant: 'filled' },
  trusted: { label: 'Trusted', color: 'primary', variant: 'outlined' },
  draft: { label: 'Draft', color: 'default', variant: 'outlined' },
  // In the bundle, not signing: outlined like trusted, dashed like a draft.
  staged: { label: 'Staged', color: 'primary', variant: 'outlined' },
  retired: { label: 'Retired', color: 'default', variant: 'filled' },
};

const COMPROMISED = { label: 'Compromised', color: 'error', variant: 'filled' } as const;

/**
 * A key's lifecycle state, as a chip with its word (never colour alone). A key retired for
 * compromise is not folded away like a routine retirement: it is a red "Compromised".
 */
export function StateChip({ state, compromised = false }: { state: KeyStateName; compromised?: boolean }) {
  const l = state === 'retired' && compromised ? COMPROMISED : LOOK[state];
  // The dark theme's error red is too light for white text: the darker red keeps AA contrast in both.
  const sx = state === 'draft' || state === 'staged' ? { borderStyle: 'dashed' } : l === COMPROMISED ? { bgcolor: 'error.dark', color: 'common.white' } : undefined;
  return <Chip size="small" label={l.label} color={l.color} variant={l.variant} sx={sx} data-testid="state-chip" />;
}
