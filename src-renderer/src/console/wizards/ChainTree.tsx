import CheckCircle from '@mui/icons-material/CheckCircle';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { ChainCertificateView } from '../../../../src-main/api/contract.ts';
import { HexChip, KeyIdChip } from '../../components/KeyIdChip.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { shown } from '../../components/shown.ts';

function role(c: ChainCertificateView, last: boolean): string {
  if (c.position === 0) return c.selfSigned ? 'This key (self-signed root)' : 'This key (leaf of the chain)';
  if (last && c.selfSigned) return 'Root';
  return 'Intermediate issuer';
}

/** The chain as a tree: this key's certificate, then each issuer indented under it, up to the root. */
export function ChainTree({ chain }: { chain: ChainCertificateView[] }) {
  return (
    <Box component="ol" aria-label="Certificate chain, from this key up to the root" data-testid="chain-tree" sx={{ listStyle: 'none', p: 0, m: 0 }}>
      {chain.map((c, i) => (
        <Box
          key={`${c.position}-${c.serial}`}
          component="li"
          data-testid="chain-cert"
          sx={{ ml: i * 3, pl: 1.5, py: 1, borderLeft: 3, borderColor: 'success.main', mb: 1 }}
        >
          <Typography variant="subtitle2" component="div" sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}>
            <CheckCircle color="success" fontSize="small" aria-hidden />
            {role(c, i === chain.length - 1)}: {shown(c.subject)}
          </Typography>
          <Typography variant="body2" component="div" color="text.secondary">
            issued by {shown(c.issuer)} · serial <HexChip value={c.serial} kind="serial number" of={c.subject} /> · valid <LocalDateTime iso={c.notBefore} /> to <LocalDateTime iso={c.notAfter} />
            {c.isCa ? ` · CA${c.pathLength !== null ? `, path length ${c.pathLength}` : ''}` : ' · not a CA'}
          </Typography>
          {c.subjectSpoofing.length ? (
            <Typography variant="body2" component="div" color="warning.main" data-testid="chain-cert-spoofing">
              This name holds bidi or zero-width characters ({c.subjectSpoofing.join(', ')}): it may display as another name. Compare the root&apos;s fingerprint, not the name.
            </Typography>
          ) : null}
          <KeyIdChip id={c.keyId} />
        </Box>
      ))}
    </Box>
  );
}
