import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import Typography from '@mui/material/Typography';
import { CopyTextButton } from '../../../components/CopyTextButton.tsx';
import { KeyName } from '../../../components/KeyIdChip.tsx';
import { useAppStore } from '../../../store/index.ts';
import { MonoText } from '../../../components/MonoText.tsx';
import { SummaryRow } from '../SummaryRow.tsx';
import { FinishActions } from '../WizardFrame.tsx';
import { useExportDraft } from './export-draft.ts';

/** What the officer needs before pulling the medium: eject first, the folder, the manifest hash, the signer. */
export function SafeToRemoveStep() {
  const { written } = useExportDraft();
  const signer = useAppStore((s) => s.keys?.find((k) => k.id === written?.signingKeyId));
  if (!written) return null;
  return (
    <>
      <Alert severity="success" sx={{ mb: 2 }} data-testid="safe-to-remove">
        <AlertTitle>Safe to remove — after you eject it</AlertTitle>
        Eject (unmount) the medium in the system before pulling it out; pulling a mounted medium can lose what was just written.
      </Alert>
      <Table size="small" aria-label="Export summary">
        <TableBody>
          <SummaryRow label="Folder">
            <MonoText testId="export-folder">{written.folderName}</MonoText>
          </SummaryRow>
          <SummaryRow label="Full path">
            <MonoText>{written.dir}</MonoText>
          </SummaryRow>
          <SummaryRow label="Manifest SHA-256">
            <MonoText testId="export-manifest-hash">{written.manifestSha256}</MonoText> <CopyTextButton text={written.manifestSha256} label="Copy the manifest hash" />
          </SummaryRow>
          <SummaryRow label="Signed by">
            <KeyName id={written.signingKeyId} name={signer?.name} />
          </SummaryRow>
        </TableBody>
      </Table>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
        Note the manifest hash in the log book; whoever receives the medium can compare it with <MonoText>sha256sum MANIFEST.json</MonoText>.
      </Typography>
      <FinishActions />
    </>
  );
}
