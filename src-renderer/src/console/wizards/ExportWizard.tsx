import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ExportPreview, ExportVerifyView, ExportView } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';
import { ApiErrorAlert } from '../../components/ApiErrorAlert.tsx';
import { CopyTextButton } from '../../components/CopyTextButton.tsx';
import { KeyIdChip } from '../../components/KeyIdChip.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { MonoText } from '../../components/MonoText.tsx';
import { OperationProgress, useOperationProgress } from '../../components/OperationProgress.tsx';
import { useAppStore } from '../../store/index.ts';
import { byteSize } from './byte-size.ts';
import { MediumFolderField } from './MediumFolderField.tsx';
import { StepActions, WizardFrame } from './WizardFrame.tsx';
import { stepIndex, useWizardField, type WizardStepDef } from './wizard-state.ts';
import { shown } from '../../components/shown.ts';

const STEPS = [
  { id: 'medium', label: 'Choose the medium', next: 'Nothing is written yet. Next you see what the package will hold.' },
  { id: 'preview', label: 'Preview the package', next: 'Nothing is written yet. Next you write the package to the medium; due CRLs are regenerated then.' },
  { id: 'write', label: 'Write', next: 'Pressing Write creates a new folder on the medium, writes and reads back every file, and records the export in the audit log.' },
  { id: 'verify', label: 'Verification', next: 'The package was read back from the medium and checked against its signed manifest. Next: how to remove the medium safely.' },
  { id: 'done', label: 'Safe to remove', next: 'The export is complete. Hand the medium over only after the system has unmounted it.' },
] as const satisfies readonly WizardStepDef[];
type StepId = (typeof STEPS)[number]['id'];

/**
 * Wizard 5, export to removable media: choose the volume, preview the
 * package (export.preview), write it (export.media, the only mutating step)
 * with progress, verify it from the medium (export.verify), then the facts
 * the officer needs before pulling the medium.
 */
export function ExportWizard() {
  const closeWizard = useAppStore((s) => s.closeWizard);
  const clearProgress = useAppStore((s) => s.clearProgress);
  useOperationProgress('export.media');
  const [step, setStep] = useWizardField<StepId>('export', 'step', 'medium');
  const [medium, setMedium] = useWizardField('export', 'medium', '');
  const [preview, setPreview] = useWizardField<ExportPreview | null>('export', 'preview', null);
  const [written, setWritten] = useWizardField<ExportView | null>('export', 'written', null);
  const [verified, setVerified] = useWizardField<ExportVerifyView | null>('export', 'verified', null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  const go = (s: StepId) => {
    setError(null);
    setStep(s);
  };

  /** The preview is read each time the step is entered: the vault may have changed since (a CRL fell due). */
  const toPreview = () => {
    go('preview');
    setPreview(null);
    void call('export.preview', {}).then((r) => {
      if (r.ok) setPreview(r.value);
      else setError(r);
    });
  };

  const write = async () => {
    setBusy(true);
    setError(null);
    clearProgress('export.media');
    const r = await call('export.media', { to: medium });
    if (!r.ok) {
      setBusy(false);
      setError(r);
      return;
    }
    setWritten(r.value);
    const v = await call('export.verify', { dir: r.value.dir });
    setBusy(false);
    if (!v.ok) {
      setError(v);
      setVerified(null);
    } else setVerified(v.value);
    setStep('verify');
  };

  const verifyAgain = async () => {
    if (!written) return;
    setBusy(true);
    const v = await call('export.verify', { dir: written.dir });
    setBusy(false);
    if (!v.ok) return setError(v);
    setError(null);
    setVerified(v.value);
  };

  let body;
  switch (step) {
    case 'medium':
      body = (
        <>
          <Typography variant="body2" sx={{ mb: 2 }}>
            Insert and mount the removable medium that will carry the package out, then choose it. A new folder is created on it; nothing on it is overwritten.
          </Typography>
          <MediumFolderField value={medium} onChange={setMedium} legend="Removable medium to write to" />
          <StepActions>
            <Button variant="contained" disabled={medium.trim() === ''} onClick={toPreview}>
              Next: preview
            </Button>
          </StepActions>
        </>
      );
      break;
    case 'preview':
      body = (
        <>
          {error ? <ApiErrorAlert error={error} title="The package cannot be prepared" /> : null}
          {!preview && !error ? <Typography>Preparing the preview…</Typography> : null}
          {preview ? <PreviewTables preview={preview} /> : null}
          <StepActions onBack={() => go('medium')}>
            <Button variant="contained" disabled={!preview} onClick={() => go('write')}>
              Next: write
            </Button>
          </StepActions>
        </>
      );
      break;
    case 'write':
      body = (
        <>
          <Typography variant="body2">
            The package goes to <MonoText testId="export-target">{medium}</MonoText>.
          </Typography>
          {busy ? <OperationProgress operation="export.media" label="Writing the export package" running /> : null}
          {error ? <ApiErrorAlert error={error} title="The package was not written" /> : null}
          {error ? (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              Check that the medium is inserted, mounted, writable and has room, then press Retry — or go Back and choose another medium.
            </Typography>
          ) : null}
          <StepActions onBack={busy ? undefined : () => go('preview')}>
            <Button variant="contained" disabled={busy} onClick={() => void write()}>
              {busy ? 'Writing…' : error ? 'Retry' : 'Write the package'}
            </Button>
          </StepActions>
        </>
      );
      break;
    case 'verify':
      body = (
        <>
          {written ? (
            <Typography variant="body2" data-testid="export-written">
              Written: {written.files.length} files, {byteSize(written.totalBytes)} to <MonoText testId="export-dir">{written.dir}</MonoText>
            </Typography>
          ) : null}
          {error ? <ApiErrorAlert error={error} title="The package could not be read back" /> : null}
          {verified ? (
            verified.ok ? (
              <Alert severity="success" data-testid="export-verification" sx={{ mt: 2 }}>
                <AlertTitle>Verification OK</AlertTitle>
                Read back from the medium: the {verified.files} files listed in the signed manifest match their sizes and SHA-256.
              </Alert>
            ) : (
              <Alert severity="error" data-testid="export-verification" sx={{ mt: 2 }}>
                <AlertTitle>The package on the medium does not verify: do not hand it out</AlertTitle>
                <ul>
                  {verified.problems.map((p, i) => (
                    <li key={i}>
                      {shown(p.file ?? 'package')}: {shown(p.message)}
                    </li>
                  ))}
                </ul>
                Write it again, preferably to another medium.
              </Alert>
            )
          ) : null}
          <StepActions>
            {verified?.ok ? (
              <Button variant="contained" onClick={() => go('done')}>
                Next: safe to remove
              </Button>
            ) : (
              <>
                <Button variant="outlined" disabled={busy} onClick={() => void verifyAgain()}>
                  Verify again
                </Button>
                <Button variant="contained" onClick={() => go('medium')}>
                  Write again to another medium
                </Button>
              </>
            )}
          </StepActions>
        </>
      );
      break;
    default:
      body = written ? (
        <>
          <Alert severity="success" sx={{ mb: 2 }} data-testid="safe-to-remove">
            <AlertTitle>Safe to remove — after you eject it</AlertTitle>
            Eject (unmount) the medium in the system before pulling it out; pulling a mounted medium can lose what was just written.
          </Alert>
          <Table size="small" aria-label="Export summary">
            <TableBody>
              <TableRow>
                <TableCell component="th" scope="row">
                  Folder
                </TableCell>
                <TableCell>
                  <MonoText testId="export-folder">{written.folderName}</MonoText>
                </TableCell>
              </TableRow>
              <TableRow>
                <TableCell component="th" scope="row">
                  Full path
                </TableCell>
                <TableCell>
                  <MonoText>{written.dir}</MonoText>
                </TableCell>
              </TableRow>
              <TableRow>
                <TableCell component="th" scope="row">
                  Manifest SHA-256
                </TableCell>
                <TableCell>
                  <MonoText testId="export-manifest-hash">{written.manifestSha256}</MonoText> <CopyTextButton text={written.manifestSha256} label="Copy the manifest hash" />
                </TableCell>
              </TableRow>
              <TableRow>
                <TableCell component="th" scope="row">
                  Signed by
                </TableCell>
                <TableCell>
                  <KeyIdChip id={written.signingKeyId} />
                </TableCell>
              </TableRow>
            </TableBody>
          </Table>
          <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
            Note the manifest hash in the log book; whoever receives the medium can compare it with <MonoText>sha256sum MANIFEST.json</MonoText>.
          </Typography>
          <StepActions>
            <Button variant="contained" onClick={closeWizard}>
              Done
            </Button>
          </StepActions>
        </>
      ) : null;
  }

  return (
    <WizardFrame title="Export to removable media" steps={STEPS} step={step} onClose={closeWizard} closeLabel={stepIndex(STEPS, step) >= stepIndex(STEPS, 'verify') ? 'Close' : 'Cancel'}>
      {body}
    </WizardFrame>
  );
}

function PreviewTables({ preview }: { preview: ExportPreview }) {
  return (
    <Stack spacing={3}>
      <div>
        <Typography variant="subtitle1" component="h3" id="export-files-title">
          Files ({preview.files.length}, {byteSize(preview.totalBytes)} in all, plus the manifest, its signature and SHA256SUMS)
        </Typography>
        <Table size="small" aria-labelledby="export-files-title" data-testid="export-preview-files">
          <TableHead>
            <TableRow>
              <TableCell>File</TableCell>
              <TableCell align="right">Size</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {preview.files.map((f) => (
              <TableRow key={f.name}>
                <TableCell>
                  <MonoText>{f.name}</MonoText>
                </TableCell>
                <TableCell align="right">{byteSize(f.size)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <div>
        <Typography variant="subtitle1" component="h3" id="export-keys-title">
          Keys in the trust bundle ({preview.keys.length})
        </Typography>
        <Table size="small" aria-labelledby="export-keys-title" data-testid="export-preview-keys">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Key id</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {preview.keys.map((k) => (
              <TableRow key={k.id}>
                <TableCell>{shown(k.name)}</TableCell>
                <TableCell>{k.state}</TableCell>
                <TableCell>
                  <KeyIdChip id={k.id} name={k.name} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <div>
        <Typography variant="subtitle1" component="h3" id="export-crls-title">
          CRLs ({preview.crls.length})
        </Typography>
        {preview.crls.length === 0 ? (
          <Typography variant="body2">No CRL goes in this package.</Typography>
        ) : (
          <Table size="small" aria-labelledby="export-crls-title" data-testid="export-preview-crls">
            <TableHead>
              <TableRow>
                <TableCell>Issuer</TableCell>
                <TableCell>On write</TableCell>
                <TableCell>Next update</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {preview.crls.map((c) => (
                <TableRow key={c.issuerKeyId}>
                  <TableCell>
                    <KeyIdChip id={c.issuerKeyId} />
                  </TableCell>
                  <TableCell>{c.willRegenerate ? 'Regenerated and signed now (due, expired or missing)' : 'Current CRL copied as it is'}</TableCell>
                  <TableCell>{c.willRegenerate ? 'set when written' : c.nextUpdate ? <LocalDateTime iso={c.nextUpdate} /> : '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </div>
    </Stack>
  );
}
