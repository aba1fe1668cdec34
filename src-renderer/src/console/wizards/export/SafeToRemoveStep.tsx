import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import Typography from '@mui/material/Typography';
import { EjectMedium, writtenCountText } from '../../../components/EjectMedium.tsx';
import { CopyTextButton } from '../../../components/CopyTextButton.tsx';
import { KeyName } from '../../../components/KeyIdChip.tsx';
import { useAppStore } from '../../../store/index.ts';
import { MonoText } from '../../../components/MonoText.tsx';
import { SummaryRow } from '../SummaryRow.tsx';
import { FinishActions } from '../WizardFrame.tsx';
import { useExportDraft } from './export-draft.ts';

/** The final step: Eject (amber until the system has let go, then green), and what was written: count, folder, manifest hash, signer. */
export function SafeToRemoveStep() {
  const { medium, written, verified, ejected, setEjected } = useExportDraft();
  const signer = useAppStore((s) => s.keys?.find((k) => k.id === written?.signingKeyId));
  if (!written) return null;
  return (
    <>
      <EjectMedium path={medium} ejected={ejected} onEjected={() => setEjected(true)} />
      <Table size="small" aria-label="Export summary">
        <TableBody>
          <SummaryRow label="Written">
            <span data-testid="export-count">{writtenCountText(written.files, verified?.ok === true)}</span>
          </SummaryRow>
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
      <FinishActions focus={ejected} />
    </>
  );
}
