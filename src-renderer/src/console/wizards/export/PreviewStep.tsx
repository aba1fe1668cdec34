import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import type { ExportPreview } from '../../../../../src-main/api/contract.ts';
import { KeyIdChip, KeyName } from '../../../components/KeyIdChip.tsx';
import { LocalDateTime } from '../../../components/LocalDateTime.tsx';
import { MonoText } from '../../../components/MonoText.tsx';
import { byteSize } from '../byte-size.ts';
import { StepActions, StepRefusal } from '../WizardFrame.tsx';
import { useExportDraft, useExportWizard } from './export-draft.ts';
import { shown } from '../../../components/shown.ts';

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

type Head = string | { label: string; align: 'right' };

/** A small table under a subtitle (its label): the column heads, then the rows. */
function HeadedTable({ titleId, testId, head, children }: { titleId: string; testId: string; head: readonly Head[]; children: ReactNode }) {
  return (
    <Table size="small" aria-labelledby={titleId} data-testid={testId}>
      <TableHead>
        <TableRow>
          {head.map((h) => (typeof h === 'string' ? <TableCell key={h}>{h}</TableCell> : <TableCell key={h.label} align={h.align}>{h.label}</TableCell>))}
        </TableRow>
      </TableHead>
      <TableBody>{children}</TableBody>
    </Table>
  );
}

function PreviewTables({ preview }: { preview: ExportPreview }) {
  return (
    <Stack spacing={3}>
      <div>
        <Typography variant="subtitle1" component="h3" id="export-files-title">
          Files ({preview.files.length}, {byteSize(preview.totalBytes)} in all, plus the manifest, its signature and SHA256SUMS)
        </Typography>
        <HeadedTable titleId="export-files-title" testId="export-preview-files" head={['File', { label: 'Size', align: 'right' }]}>
          {preview.files.map((f) => (
            <TableRow key={f.name}>
              <TableCell>
                <MonoText>{f.name}</MonoText>
              </TableCell>
              <TableCell align="right">{f.size === null ? 'signed when written' : byteSize(f.size)}</TableCell>
            </TableRow>
          ))}
        </HeadedTable>
      </div>
      <div>
        <Typography variant="subtitle1" component="h3" id="export-keys-title">
          Keys in the trust bundle ({preview.keys.length})
        </Typography>
        <HeadedTable titleId="export-keys-title" testId="export-preview-keys" head={['Name', 'State', 'Key id']}>
          {preview.keys.map((k) => (
            <TableRow key={k.id}>
              <TableCell>{shown(k.name)}</TableCell>
              <TableCell>{k.state}</TableCell>
              <TableCell>
                <KeyIdChip id={k.id} name={k.name} />
              </TableCell>
            </TableRow>
          ))}
        </HeadedTable>
      </div>
      <div>
        <Typography variant="subtitle1" component="h3" id="export-crls-title">
          CRLs ({preview.crls.length})
        </Typography>
        {preview.crls.length === 0 ? (
          <Typography variant="body2">No CRL goes in this package.</Typography>
        ) : (
          <HeadedTable titleId="export-crls-title" testId="export-preview-crls" head={['Issuer', 'On write', 'Next update']}>
            {preview.crls.map((c) => (
              <TableRow key={c.issuerKeyId}>
                <TableCell>
                  <KeyName id={c.issuerKeyId} name={preview.keys.find((k) => k.id === c.issuerKeyId)?.name} />
                </TableCell>
                <TableCell>{c.willRegenerate ? 'Regenerated and signed now (due, expired or missing)' : 'Current CRL copied as it is'}</TableCell>
                <TableCell>{c.willRegenerate ? 'set when written' : c.nextUpdate ? <LocalDateTime iso={c.nextUpdate} /> : '—'}</TableCell>
              </TableRow>
            ))}
          </HeadedTable>
        )}
      </div>
    </Stack>
  );
}
