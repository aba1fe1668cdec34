import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Divider from '@mui/material/Divider';
import Drawer from '@mui/material/Drawer';
import FormControl from '@mui/material/FormControl';
import IconButton from '@mui/material/IconButton';
import InputLabel from '@mui/material/InputLabel';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import CloseIcon from '@mui/icons-material/Close';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { CertDetailView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { CopyTextButton } from '../../components/CopyTextButton.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { MonoText } from '../../components/MonoText.tsx';
import { MONO_FONT } from '../../theme.ts';
import { CertStatusChip } from './CertStatusChip.tsx';
import { REVOCATION_REASONS, reasonLabel, type RevocableReason } from './revocation-reasons.ts';
import { shown } from '../../components/shown.ts';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: '130px 1fr', gap: 1, py: 0.5 }}>
      <Typography component="dt" variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0, minWidth: 0 }}>
        {typeof children === 'string' ? shown(children) : children}
      </Typography>
    </Box>
  );
}

/** One certificate: its fields, SANs, PEM (with copy), status, and revocation with an RFC 5280 reason. */
export function CertDetailDrawer({ serial, ca, onClose, onRevoked }: { serial: string | null; ca: string | null; onClose: () => void; onRevoked: () => void }) {
  return (
    <Drawer anchor="right" open={serial !== null} onClose={onClose} slotProps={{ paper: { sx: { width: { xs: '100%', sm: 560 } }, role: 'dialog', 'aria-labelledby': 'cert-drawer-title' } as object }}>
      {serial ? <CertDetail key={serial} serial={serial} ca={ca} onClose={onClose} onRevoked={onRevoked} /> : null}
    </Drawer>
  );
}

/** `ca`: the CA whose certificate it is (the table's CA filter); null: the CA the console shows. */
function CertDetail({ serial, ca, onClose, onRevoked }: { serial: string; ca: string | null; onClose: () => void; onRevoked: () => void }) {
  const [cert, setCert] = useState<CertDetailView | null>(null);
  const [loadError, setLoadError] = useState<ApiFailure | null>(null);
  const [reason, setReason] = useState<RevocableReason | ''>('');
  const [confirming, setConfirming] = useState(false);
  const [revoking, setRevoking] = useState(false);
  const [revokeError, setRevokeError] = useState<ApiFailure | null>(null);

  const load = useCallback(
    (s: string) =>
      call('cert.show', { serial: s, ...(ca !== null ? { ca } : {}) }).then((r) => {
        if (r.ok) {
          setCert(r.value);
          setLoadError(null);
        } else setLoadError(r);
      }),
    [ca],
  );

  useEffect(() => {
    void load(serial);
  }, [serial, load]);

  const revoke = async () => {
    if (!cert) return;
    setRevoking(true);
    const r = await call('cert.revoke', { serial: cert.serial, reason, ...(ca !== null ? { ca } : {}) });
    setRevoking(false);
    setConfirming(false);
    if (!r.ok) {
      setRevokeError(r);
      return;
    }
    setRevokeError(null);
    onRevoked();
    await load(cert.serial);
  };

  return (
    <>
      <Box sx={{ p: 3 }} data-testid="cert-drawer">
        <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
          <Typography id="cert-drawer-title" variant="h5" component="h2">
            Certificate
          </Typography>
          <IconButton aria-label="Close the certificate details" onClick={onClose}>
            <CloseIcon />
          </IconButton>
        </Stack>
        {loadError ? <ApiErrorAlert error={loadError} title="The certificate could not be read" /> : null}
        {!cert && !loadError ? <CircularProgress aria-label="Loading the certificate" /> : null}
        {cert ? (
          <>
            <Stack direction="row" spacing={1} sx={{ my: 1, alignItems: 'center' }}>
              <CertStatusChip status={cert.status} />
              {cert.revokedAt ? (
                <Typography variant="body2">
                  Revoked <LocalDateTime iso={cert.revokedAt} /> — {reasonLabel(cert.revocationReason)}
                </Typography>
              ) : null}
            </Stack>
            <Box component="dl" sx={{ m: 0 }}>
              <Field label="Subject">
                <MonoText testId="cert-subject">{cert.subject}</MonoText>
              </Field>
              <Field label="Serial">
                <MonoText testId="cert-serial">{cert.serial}</MonoText>
                <CopyTextButton text={cert.serial} label="Copy the serial number" />
              </Field>
              <Field label="Issuer">
                {cert.issuerName === null ? 'unknown key' : shown(cert.issuerName)}{' '}
                <MonoText>{cert.issuerKeyId}</MonoText>
                <CopyTextButton text={cert.issuerKeyId} label="Copy the issuer key id" />
              </Field>
              <Field label="Profile">{cert.profile}</Field>
              <Field label="Not before">
                <LocalDateTime iso={cert.notBefore} />
              </Field>
              <Field label="Not after">
                <LocalDateTime iso={cert.notAfter} />
              </Field>
              <Field label="Issued">
                <LocalDateTime iso={cert.issuedAt} />
              </Field>
              <Field label="Subject alt. names">
                {cert.sans.length ? (
                  <Box component="ul" sx={{ m: 0, pl: 2 }} data-testid="cert-sans">
                    {cert.sans.map((s) => (
                      <li key={s}>
                        <MonoText>{s}</MonoText>
                      </li>
                    ))}
                  </Box>
                ) : (
                  'none'
                )}
              </Field>
            </Box>
            <Divider sx={{ my: 2 }} />
            <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
              <Typography variant="h6" component="h3">
                PEM
              </Typography>
              <CopyTextButton text={cert.pem} label="Copy the certificate PEM" />
            </Stack>
            <Box component="pre" tabIndex={0} aria-label="Certificate PEM" sx={{ fontFamily: MONO_FONT, fontSize: '0.75rem', p: 1.5, bgcolor: 'action.hover', borderRadius: 1, overflow: 'auto', maxHeight: 200, m: 0 }}>
              {cert.pem}
            </Box>
            <Divider sx={{ my: 2 }} />
            <Typography variant="h6" component="h3" gutterBottom>
              Revocation
            </Typography>
            {revokeError ? <ApiErrorAlert error={revokeError} title="The certificate was not revoked" /> : null}
            {cert.status === 'revoked' ? (
              <Alert severity="info" sx={{ mt: 1 }}>
                This certificate is revoked. The next CRL (and export) lists it.
              </Alert>
            ) : (
              <Stack spacing={2} sx={{ mt: 1 }}>
                <Typography variant="body2" color="text.secondary">
                  Revoking cannot be undone. Choose the reason (RFC 5280); the next CRL lists the certificate with it.
                </Typography>
                <FormControl fullWidth>
                  <InputLabel id="revoke-reason-label">Revocation reason</InputLabel>
                  <Select<RevocableReason | ''> labelId="revoke-reason-label" label="Revocation reason" value={reason} onChange={(e) => setReason(e.target.value)} data-testid="revoke-reason">
                    {REVOCATION_REASONS.map((r) => (
                      <MenuItem key={r.name} value={r.name}>
                        {r.label}
                      </MenuItem>
                    ))}
                  </Select>
                </FormControl>
                <Box>
                  <Button variant="outlined" color="error" disabled={!reason} onClick={() => setConfirming(true)}>
                    Revoke…
                  </Button>
                </Box>
              </Stack>
            )}
          </>
        ) : null}
      </Box>
      <Dialog open={confirming && cert !== null} onClose={() => setConfirming(false)} aria-labelledby="revoke-confirm-title" aria-describedby="revoke-confirm-text">
        <DialogTitle id="revoke-confirm-title">Revoke this certificate?</DialogTitle>
        <DialogContent>
          <DialogContentText id="revoke-confirm-text" component="div">
            <Box sx={{ mb: 1 }}>
              <MonoText>{cert?.subject}</MonoText>
            </Box>
            Serial <MonoText>{cert?.serial}</MonoText>, reason: <strong>{reasonLabel(reason)}</strong>. This cannot be undone.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)} autoFocus>
            Cancel
          </Button>
          <Button color="error" variant="contained" disabled={revoking} onClick={() => void revoke()}>
            Revoke certificate
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
