import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useState } from 'react';
import type { KeyView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { useAppStore } from '../../store/index.ts';
import type { CertStatusFilter } from '../../store/certs-slice.ts';
import { CertDetailDrawer } from '../certificates/CertDetailDrawer.tsx';
import { CertTable } from '../certificates/CertTable.tsx';
import { useCertPages } from '../certificates/useCertPages.ts';
import { shown } from '../../components/shown.ts';
import { shortHex } from '../../components/KeyIdChip.tsx';

/**
 * The search waits for typing to pause before it asks the vault. A serial
 * (hex digits, perhaps with colons, as pasted from a certificate) arrives at
 * once and is looked up almost at once: it is a range read off the serial index.
 */
const SEARCH_DEBOUNCE_MS = 150;
const SERIAL_DEBOUNCE_MS = 40;
const SERIAL_LIKE = /^[0-9a-f:]{8,}$/i;

function useDebounced(value: string, ms: number): string {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Every certificate the vault issued: search, filters, a virtualized table and a detail drawer with revocation. */
export function CertificatesSection() {
  const search = useAppStore((s) => s.certSearch);
  const issuer = useAppStore((s) => s.certIssuer);
  const status = useAppStore((s) => s.certStatus);
  const version = useAppStore((s) => s.certsVersion);
  const setSearch = useAppStore((s) => s.setCertSearch);
  const setIssuer = useAppStore((s) => s.setCertIssuer);
  const setStatus = useAppStore((s) => s.setCertStatus);
  const certsChanged = useAppStore((s) => s.certsChanged);
  const openWizard = useAppStore((s) => s.openWizard);
  const cas = useAppStore((s) => s.cas);
  const caName = useAppStore((s) => s.caName);
  const certCa = useAppStore((s) => s.certCa);
  const setCertCa = useAppStore((s) => s.setCertCa);
  // The table lists one CA's certificates: the filter's, else the CA the console shows.
  const listedCa = certCa ?? caName;
  const several = cas !== null && cas.length > 1;
  const [keys, setKeys] = useState<KeyView[]>([]);
  const [keysError, setKeysError] = useState<ApiFailure | null>(null);
  const [openSerial, setOpenSerial] = useState<string | null>(null);
  const debounced = useDebounced(search, SERIAL_LIKE.test(search.trim()) ? SERIAL_DEBOUNCE_MS : SEARCH_DEBOUNCE_MS);
  const pages = useCertPages({ search: debounced, issuer, status, ca: listedCa }, version);

  useEffect(() => {
    void call('key.list', listedCa !== null ? { ca: listedCa } : {}).then((r) => {
      if (r.ok) {
        setKeys(r.value);
        setKeysError(null);
      } else setKeysError(r);
    });
  }, [listedCa]);

  const issuerName = useCallback((id: string) => keys.find((k) => k.id === id)?.name ?? shortHex(id), [keys]);
  const issuers = keys.filter((k) => k.state !== 'draft');
  const searching = search !== debounced || pages.total === null;

  return (
    <Box>
      <Stack direction="row" sx={{ mb: 2, alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap', gap: 1 }}>
        <Typography variant="h4" component="h1">
          Certificates
        </Typography>
        <Stack direction="row" spacing={1}>
          <Button variant="contained" onClick={() => openWizard('issue-media')}>
            Issue from media…
          </Button>
          <Button variant="outlined" onClick={() => openWizard('export')}>
            Export to removable media…
          </Button>
        </Stack>
      </Stack>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2 }}>
        {several ? (
          <FormControl sx={{ minWidth: 200 }}>
            <InputLabel id="cert-ca-label">Certificate authority</InputLabel>
            <Select labelId="cert-ca-label" label="Certificate authority" value={listedCa ?? ''} onChange={(e) => setCertCa(e.target.value === caName ? null : e.target.value)} data-testid="cert-ca-filter">
              {cas.map((c) => (
                <MenuItem key={c.id} value={c.name}>
                  {shown(c.name)}
                  {c.name === caName ? ' (the CA shown)' : ''}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        ) : null}
        <TextField label="Search subject, SAN or serial" value={search} onChange={(e) => setSearch(e.target.value)} sx={{ flexGrow: 1 }} slotProps={{ htmlInput: { 'data-testid': 'cert-search' } }} />
        <FormControl sx={{ minWidth: 220 }}>
          <InputLabel id="cert-issuer-label">Issuer</InputLabel>
          <Select labelId="cert-issuer-label" label="Issuer" value={issuer} onChange={(e) => setIssuer(e.target.value)}>
            <MenuItem value="">All issuers</MenuItem>
            {issuers.map((k) => (
              <MenuItem key={k.id} value={k.id}>
                {shown(k.name)} ({k.state})
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl sx={{ minWidth: 160 }}>
          <InputLabel id="cert-status-label">Status</InputLabel>
          <Select labelId="cert-status-label" label="Status" value={status} onChange={(e) => setStatus(e.target.value as CertStatusFilter)}>
            <MenuItem value="">Any status</MenuItem>
            <MenuItem value="valid">Valid</MenuItem>
            <MenuItem value="revoked">Revoked</MenuItem>
            <MenuItem value="expired">Expired</MenuItem>
          </Select>
        </FormControl>
      </Stack>
      {keysError ? <ApiErrorAlert error={keysError} title="The signing keys could not be read" /> : null}
      {pages.error ? (
        <Box sx={{ mb: 2 }}>
          <ApiErrorAlert error={pages.error} title="The certificates could not be read" />
          <Button sx={{ mt: 1 }} onClick={pages.retry}>
            Try again
          </Button>
        </Box>
      ) : null}
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }} aria-live="polite" data-testid="cert-count">
        {searching ? 'Searching…' : `${pages.total!.toLocaleString()} certificate${pages.total === 1 ? '' : 's'}${debounced.trim() || issuer || status ? ' match' : ''}`}
      </Typography>
      {pages.total === 0 && !searching ? (
        <Alert severity="info">{debounced.trim() || issuer || status ? 'No certificate matches. Clear the search or the filters.' : 'No certificate has been issued yet. Use “Issue from media…” to sign requests from a medium.'}</Alert>
      ) : (
        <CertTable total={pages.total ?? 0} queryKey={pages.queryKey} loaded={pages.loaded} row={pages.row} ensureRange={pages.ensureRange} issuerName={issuerName} onOpen={setOpenSerial} />
      )}
      <CertDetailDrawer serial={openSerial} ca={listedCa} onClose={() => setOpenSerial(null)} onRevoked={certsChanged} />
    </Box>
  );
}
