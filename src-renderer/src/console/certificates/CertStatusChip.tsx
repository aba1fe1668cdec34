import Chip from '@mui/material/Chip';
import type { CertView } from '../../../../src-main/api/contract.ts';

const LOOK: Record<CertView['status'], { label: string; color: 'success' | 'error' | 'default' }> = {
  valid: { label: 'Valid', color: 'success' },
  revoked: { label: 'Revoked', color: 'error' },
  expired: { label: 'Expired', color: 'default' },
};

export function CertStatusChip({ status }: { status: CertView['status'] }) {
  const look = LOOK[status];
  return <Chip size="small" label={look.label} color={look.color} variant={status === 'valid' ? 'outlined' : 'filled'} />;
}
