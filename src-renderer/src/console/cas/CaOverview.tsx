import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { CaView, KeyView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { KeyName } from '../../components/KeyIdChip.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { shown } from '../../components/shown.ts';
import { useAppStore } from '../../store/index.ts';
import { timeLeftText } from '../key-time.ts';
import { caStanding, type CaStanding } from './ca-rotation.ts';

interface CaRow {
  ca: CaView;
  standing: CaStanding;
}

const CRL_TEXT: Record<KeyView['crl']['status'], string> = { ok: '', due: 'due', expired: 'expired', none: 'none published' };

/** Each CA's keys and its last emergency rotation, read per CA (each call names its CA). */
async function readRows(cas: readonly CaView[]): Promise<CaRow[] | ApiFailure> {
  const rows: CaRow[] = [];
  for (const ca of cas) {
    const [keys, compromise] = await Promise.all([call('key.list', { ca: ca.name }), call('key.compromise', { ca: ca.name })]);
    if (!keys.ok) return keys;
    if (!compromise.ok) return compromise;
    rows.push({ ca, standing: caStanding(keys.value, compromise.value) });
  }
  return rows;
}

function HealthCell({ active }: { active: KeyView | null }) {
  if (!active) return <Typography variant="body2" color="text.secondary">no active key</Typography>;
  if (active.health.ok) return <Chip size="small" color="success" variant="outlined" label="All checks pass" />;
  return (
    <Typography variant="body2" color="error" sx={{ overflowWrap: 'anywhere' }}>
      {shown(active.health.problems.join('; '))}
    </Typography>
  );
}

function CrlCell({ next }: { next: CaStanding['nextCrl'] }) {
  if (!next) return <Typography variant="body2" color="text.secondary">none published</Typography>;
  const note = CRL_TEXT[next.status];
  return (
    <Typography variant="body2" color={next.status === 'expired' ? 'error' : next.status === 'due' ? 'warning.main' : undefined}>
      <LocalDateTime iso={next.at} />
      {note ? ` (${note})` : null}
    </Typography>
  );
}

function TrustedCell({ trusted }: { trusted: KeyView[] }) {
  if (trusted.length === 0) return <Typography variant="body2" color="text.secondary">none</Typography>;
  const first = trusted[0]!;
  return (
    <Typography variant="body2">
      {trusted.length} {trusted.length === 1 ? 'key' : 'keys'}
      {first.trustedUntil ? (
        <>
          ; the first until <LocalDateTime iso={first.trustedUntil} /> ({timeLeftText(first.trustedUntil)})
        </>
      ) : null}
    </Typography>
  );
}

/**
 * Every CA of the vault at a glance, above the selected CA's dashboard: its
 * active key, that key's health, when its next CRL is due, the keys still in
 * their trusted window and where its rotation stands. A row's button switches
 * the console to that CA. Read again whenever the selected CA's keys change or
 * a wizard closes.
 */
export function CaOverview({ cas }: { cas: readonly CaView[] }) {
  const caName = useAppStore((s) => s.caName);
  const selectCa = useAppStore((s) => s.selectCa);
  const keys = useAppStore((s) => s.keys);
  const [rows, setRows] = useState<CaRow[] | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  useEffect(() => {
    let current = true;
    void readRows(cas).then((r) => {
      if (!current) return;
      if (Array.isArray(r)) {
        setRows(r);
        setError(null);
      } else setError(r);
    });
    return () => {
      current = false;
    };
  }, [cas, keys]);
  const parentName = (ca: CaView) => (ca.parentId ? (cas.find((c) => c.id === ca.parentId)?.name ?? null) : null);
  return (
    <Box component="section" aria-labelledby="ca-overview-heading" sx={{ mb: 3 }} data-testid="ca-overview">
      <Typography id="ca-overview-heading" variant="h6" component="h2" gutterBottom>
        All certificate authorities ({cas.length})
      </Typography>
      {error ? <ApiErrorAlert error={error} title="The overview of the CAs could not be read" /> : null}
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-labelledby="ca-overview-heading">
          <TableHead>
            <TableRow>
              <TableCell sx={{ width: '18%' }}>CA</TableCell>
              <TableCell sx={{ width: '22%' }}>Active key</TableCell>
              <TableCell>Health</TableCell>
              <TableCell>Next CRL due</TableCell>
              <TableCell>Trusted window</TableCell>
              <TableCell>Rotation</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {(rows ?? []).map(({ ca, standing }) => {
              const selected = ca.name === caName;
              const parent = parentName(ca);
              return (
                <TableRow key={ca.id} selected={selected} aria-current={selected ? 'true' : undefined} data-testid="ca-overview-row" data-ca={ca.name}>
                  <TableCell component="th" scope="row" sx={{ overflowWrap: 'anywhere' }}>
                    {selected ? (
                      <Typography variant="body2" sx={{ fontWeight: 600 }}>
                        {shown(ca.name)} (shown below)
                      </Typography>
                    ) : (
                      <Button size="small" sx={{ textTransform: 'none', p: 0, minWidth: 0, textAlign: 'left', justifyContent: 'flex-start' }} onClick={() => selectCa(ca.name)} aria-label={`Switch to the CA ${ca.name}`}>
                        {shown(ca.name)}
                      </Button>
                    )}
                    {parent ? (
                      <Typography variant="caption" color="text.secondary" component="div">
                        under {shown(parent)}
                      </Typography>
                    ) : null}
                  </TableCell>
                  <TableCell sx={{ overflowWrap: 'anywhere' }}>{standing.active ? <KeyName id={standing.active.id} name={standing.active.name} /> : <Typography variant="body2" color="text.secondary">none</Typography>}</TableCell>
                  <TableCell>
                    <HealthCell active={standing.active} />
                  </TableCell>
                  <TableCell>
                    <CrlCell next={standing.nextCrl} />
                  </TableCell>
                  <TableCell>
                    <TrustedCell trusted={standing.trusted} />
                  </TableCell>
                  <TableCell data-testid="ca-rotation">
                    <Typography variant="body2" color={standing.rotation.severity === 'error' ? 'error' : standing.rotation.severity === 'warning' ? 'warning.main' : undefined}>
                      {shown(standing.rotation.text)}
                    </Typography>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
    </Box>
  );
}
