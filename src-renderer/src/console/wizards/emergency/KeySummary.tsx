import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { KeyStateName, KeyView } from '../../../../../src-main/api/contract.ts';
import { KeyIdChip } from '../../../components/KeyIdChip.tsx';
import { ValidUntil } from '../../../components/LocalDateTime.tsx';
import { shown } from '../../../components/shown.ts';
import { KeyWhere } from '../../keys/KeyWhere.tsx';

const STATE_WORD: Record<KeyStateName, string> = { draft: 'Draft', staged: 'Staged', active: 'Active', trusted: 'Trusted', retired: 'Retired' };

/** A key in one block: name and state, id with copy, subject, algorithm, validity end, the token it lives on (if any), health problems. */
export function KeySummary({ k }: { k: KeyView }) {
  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography component="span" sx={{ fontWeight: 600 }}>
          {shown(k.name)}
        </Typography>
        <Box component="span" sx={{ border: 1, borderColor: 'divider', borderRadius: 1, px: 0.75, fontSize: '0.8rem' }} data-testid="key-state">
          {STATE_WORD[k.state]}
        </Box>
        <KeyIdChip id={k.id} name={k.name} />
      </Box>
      <Typography variant="body2" color="text.secondary">
        {k.subject === null ? 'no certificate yet' : shown(k.subject)} · {k.algorithm}
        <ValidUntil iso={k.notAfter} />
      </Typography>
      {k.token ? (
        <Typography variant="body2" color="text.secondary">
          <KeyWhere k={k} testId="key-summary-where" />
        </Typography>
      ) : null}
      {k.health.problems.map((p) => (
        <Typography key={p} variant="body2" color="warning.main">
          {shown(p)}
        </Typography>
      ))}
    </Box>
  );
}

