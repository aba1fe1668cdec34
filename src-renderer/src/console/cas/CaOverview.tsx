import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
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
import { CaSettingsDialog } from './CaSettingsDialog.tsx';

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
  if (!active) return <>no active key</>;
  if (active.health.ok) return <Chip size="small" color="success" variant="outlined" label="All checks pass" />;
  return (
    <Typography variant="body2" component="span" color="error">
      {shown(active.health.problems.join('; '))}
    </Typography>
  );
}

function CrlCell({ next }: { next: CaStanding['nextCrl'] }) {
  if (!next) return <>none published</>;
  const note = CRL_TEXT[next.status];
  return (
    <Typography variant="body2" component="span" color={next.status === 'expired' ? 'error' : next.status === 'due' ? 'warning.main' : undefined}>
      <LocalDateTime iso={next.at} />
      {note ? ` (${note})` : null}
    </Typography>
  );
}

function TrustedCell({ trusted }: { trusted: KeyView[] }) {
  if (trusted.length === 0) return <>none</>;
  const first = trusted[0]!;
  return (
    <>
      {trusted.length} {trusted.length === 1 ? 'key' : 'keys'}
      {first.trustedUntil ? (
        <>
          ; the first until <LocalDateTime iso={first.trustedUntil} /> ({timeLeftText(first.trustedUntil)})
        </>
      ) : null}
    </>
  );
}

/** The CA's own settings in a line ("the vault's" where it has none), as ca show lists them. */
export function ownSettingsText(ca: CaView): string {
  const s = ca.settings;
  const parts = [
    s.trustedWindowDays === null ? null : `trusted window ${s.trustedWindowDays} days`,
    s.crlValidityDays === null ? null : `CRL validity ${s.crlValidityDays} days`,
    s.allowedProfiles === null ? null : `profiles ${s.allowedProfiles.join(', ')}`,
    s.defaultValidityDays === null ? null : `default validity ${s.defaultValidityDays} days`,
  ].filter((p) => p !== null);
  return parts.length ? parts.join('; ') : "none (the vault's)";
}

/**
 * Every CA of the vault at a glance, above the selected CA's dashboard: its
 * active key, that key's health, when its next CRL is due, the keys still in
 * their trusted window and where its rotation stands. A card's Switch button
 * shows that CA below. Read again whenever the selected CA's keys change or
 * a wizard closes.
 */
export function CaOverview({ cas }: { cas: readonly CaView[] }) {
  const caName = useAppStore((s) => s.caName);
  const selectCa = useAppStore((s) => s.selectCa);
  const keys = useAppStore((s) => s.keys);
  const [rows, setRows] = useState<CaRow[] | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
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
      {/* One card per CA, as many abreast as fit: names and key ids wrap inside their card, nothing runs off screen. */}
      <Box component="ul" sx={{ listStyle: 'none', p: 0, m: 0, display: 'grid', gap: 1.5, gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))' }}>
        {(rows ?? []).map(({ ca, standing }) => {
          const selected = ca.name === caName;
          const parent = parentName(ca);
          return (
            <Paper
              key={ca.id}
              component="li"
              variant="outlined"
              aria-current={selected ? 'true' : undefined}
              aria-label={`CA ${ca.name}`}
              data-testid="ca-overview-row"
              data-ca={ca.name}
              sx={{ p: 1.5, minWidth: 0, borderWidth: selected ? 2 : 1, borderColor: selected ? 'primary.main' : 'divider' }}
            >
              <Stack direction="row" sx={{ alignItems: 'baseline', justifyContent: 'space-between', gap: 1 }}>
                <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
                  {shown(ca.name)}
                </Typography>
                <Stack direction="row" spacing={1} sx={{ flexShrink: 0, alignItems: 'center' }}>
                  <Button size="small" onClick={() => setEditing(ca.id)} aria-label={`Name and settings of the CA ${ca.name}…`}>
                    Settings…
                  </Button>
                  {selected ? (
                    <Chip size="small" color="primary" label="Shown below" />
                  ) : (
                    <Button size="small" variant="outlined" onClick={() => selectCa(ca.name)} aria-label={`Switch to the CA ${ca.name}`}>
                      Switch
                    </Button>
                  )}
                </Stack>
              </Stack>
              {parent ? (
                <Typography variant="caption" color="text.secondary" component="div">
                  Issuing CA under {shown(parent)}
                </Typography>
              ) : null}
              <Box component="dl" sx={{ m: 0, mt: 1, display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 1.5, rowGap: 0.5, alignItems: 'baseline', '& dt': { color: 'text.secondary', typography: 'body2' }, '& dd': { m: 0, minWidth: 0, typography: 'body2', overflowWrap: 'anywhere' } }}>
                {/* The key across the card: its name and grouped id need the width. */}
                <Box component="dt" sx={{ gridColumn: '1 / -1' }}>
                  Active key
                </Box>
                <Box component="dd" sx={{ gridColumn: '1 / -1', mb: 0.5 }}>
                  {standing.active ? <KeyName id={standing.active.id} name={standing.active.name} /> : 'none'}
                </Box>
                <dt>Health</dt>
                <dd>
                  <HealthCell active={standing.active} />
                </dd>
                <dt>Next CRL</dt>
                <dd>
                  <CrlCell next={standing.nextCrl} />
                </dd>
                <dt>Trusted</dt>
                <dd>
                  <TrustedCell trusted={standing.trusted} />
                </dd>
                <dt>Own settings</dt>
                <dd data-testid="ca-own-settings">{ownSettingsText(ca)}</dd>
                <dt>Rotation</dt>
                <dd data-testid="ca-rotation">
                  <Typography variant="body2" component="span" color={standing.rotation.severity === 'error' ? 'error' : standing.rotation.severity === 'warning' ? 'warning.main' : undefined}>
                    {shown(standing.rotation.text)}
                  </Typography>
                </dd>
              </Box>
            </Paper>
          );
        })}
      </Box>
      {editing ? <CaSettingsDialog caId={editing} onClose={() => setEditing(null)} /> : null}
    </Box>
  );
}
