import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ExportPreview } from '../../../../../src-main/api/contract.ts';
import { KeyIdChip } from '../../../components/KeyIdChip.tsx';
import { LocalDateTime } from '../../../components/LocalDateTime.tsx';
import { MonoText } from '../../../components/MonoText.tsx';
import { byteSize } from '../byte-size.ts';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { useExportDraft, useExportWizard } from './export-draft.ts';

/** What the package will hold: its files, the keys of the trust bundle, the CRLs (copied or regenerated). */
export function PreviewStep() {
  const { go, error } = useExportWizard();
  const { preview } = useExportDraft();
  return (
    <>
      <StepRefusal title="The package cannot be prepared" />
      {!preview && !error ? <Typography>Preparing the preview…</Typography> : null}
      {preview ? <PreviewTables preview={preview} /> : null}
      <StepActions onBack={() => go('medium')}>
        <Button variant="contained" disabled={!preview} onClick={() => go('write')}>
          Next: write
        </Button>
      </StepActions>
    </>
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
                <TableCell>{k.name}</TableCell>
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
