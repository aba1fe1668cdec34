import Checkbox from '@mui/material/Checkbox';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { RequestFolderFileView, RequestFolderView, RequestPreviewView } from '../../../../../src-main/api/contract.ts';
import { KeyName } from '../../../components/KeyIdChip.tsx';
import { MonoText } from '../../../components/MonoText.tsx';
import { shown } from '../../../components/shown.ts';
import { isTickable, keyText } from './issue-media-draft.ts';

/** Where a request for a CA certificate goes instead of this wizard. */
export const CA_ELSEWHERE =
  'Requests for a certificate authority (sub-CA) are not signed here: a new CA of this vault is made with "New certificate authority" on the dashboard, and a request from an outside CA is signed on its own, deliberately, from the command line (cert issue with the sub-ca profile).';

/** The requested extensions in words; the SANs have their own column. */
function extensionsText(r: RequestPreviewView): string {
  const others = r.extensions.filter((e) => e.name !== 'subjectAltName');
  if (others.length === 0) return 'none';
  return others.map((e) => `${e.name}${e.critical ? ' (critical)' : ''}${e.detail ? `: ${e.detail}` : ''}`).join('; ');
}

const wrap = { overflowWrap: 'anywhere', verticalAlign: 'top' } as const;

/** "Signed by NAME (sha256:…)": the CA's active key, named as everywhere in the console. */
export function SignedBy({ signer }: { signer: RequestFolderView['signer'] }) {
  return (
    <Typography variant="body1" data-testid="issue-signer" component="p">
      {signer ? (
        <>
          <strong>Signed by</strong> <KeyName id={signer.keyId} name={signer.name} />
          {signer.ca ? `, the active key of the CA “${shown(signer.ca)}”` : ''}
        </>
      ) : (
        <strong>This CA has no active key: nothing can be signed until one is activated.</strong>
      )}
    </Typography>
  );
}

/** What one request asks for: subject, SANs, key and the extensions it requests. */
function RequestCells({ f }: { f: RequestFolderFileView }) {
  const r = f.request;
  if (!f.ok || !r) {
    return (
      <TableCell colSpan={3} sx={wrap}>
        <strong>Refused</strong> ({f.code}): {shown(f.message)}
      </TableCell>
    );
  }
  return (
    <>
      <TableCell sx={wrap}>
        <MonoText>{r.subject === '' ? '(no subject)' : r.subject}</MonoText>
        {r.sans.length > 0 ? (
          <Typography variant="body2" component="div" data-testid="request-sans">
            {r.sans.join(', ')}
          </Typography>
        ) : (
          <Typography variant="body2" component="div" color="text.secondary">
            no SANs
          </Typography>
        )}
      </TableCell>
      {/* "ECDSA P-256", "RSA 4096": one line at 1024 px; the extensions column gives way. */}
      <TableCell sx={{ verticalAlign: 'top', whiteSpace: 'nowrap' }} data-testid="request-key">
        {keyText(r.key)}
      </TableCell>
      <TableCell sx={wrap} data-testid="request-extensions">
        {extensionsText(r)}
        {f.kind === 'renewal' ? (
          <Typography variant="body2" component="div" color="text.secondary">
            Renewal request: checked against the certificate that signed it when renewed, and renewed with that certificate&apos;s profile.
          </Typography>
        ) : null}
        {r.asksForCa ? (
          <Typography variant="body2" component="div" sx={{ mt: 0.5, fontWeight: 700 }} data-testid="request-asks-ca">
            Asks to be a CA: not signed here.
          </Typography>
        ) : null}
      </TableCell>
    </>
  );
}

/**
 * One row per request of the folder, with a tick box: only ticked requests are
 * signed. Refused files and requests asking to be a CA cannot be ticked.
 */
export function RequestTable({ files, ticked, onTicked }: { files: readonly RequestFolderFileView[]; ticked: readonly string[]; onTicked: (names: string[]) => void }) {
  const tickable = files.filter(isTickable).map((f) => f.name);
  const all = tickable.length > 0 && tickable.every((n) => ticked.includes(n));
  const some = tickable.some((n) => ticked.includes(n));
  const toggle = (name: string) => onTicked(ticked.includes(name) ? ticked.filter((n) => n !== name) : [...ticked, name]);
  return (
    <Table size="small" aria-labelledby="requests-title" data-testid="requests-table" sx={{ tableLayout: 'fixed', width: '100%' }}>
      <TableHead>
        <TableRow>
          <TableCell padding="checkbox" sx={{ width: 48 }}>
            <Checkbox
              checked={all}
              indeterminate={some && !all}
              disabled={tickable.length === 0}
              onChange={() => onTicked(all ? [] : tickable)}
              slotProps={{ input: { 'aria-label': all ? 'Untick every request' : `Tick every request that can be signed (${tickable.length})` } }}
            />
          </TableCell>
          <TableCell sx={{ width: '17%' }}>File</TableCell>
          <TableCell sx={{ width: '33%' }}>Subject and SANs</TableCell>
          <TableCell sx={{ width: '15%' }}>Key</TableCell>
          <TableCell>Requested extensions</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {files.map((f) => {
          const can = isTickable(f);
          return (
            <TableRow key={f.name} data-testid="request-row" data-ticked={ticked.includes(f.name) ? 'yes' : 'no'} selected={can && ticked.includes(f.name)}>
              <TableCell padding="checkbox" sx={{ verticalAlign: 'top' }}>
                <Checkbox
                  checked={can && ticked.includes(f.name)}
                  disabled={!can}
                  onChange={() => toggle(f.name)}
                  slotProps={{ input: { 'aria-label': can ? `Sign ${f.name}${f.request?.subject ? ` (${f.request.subject})` : ''}` : `${f.name} cannot be signed here` } }}
                />
              </TableCell>
              <TableCell sx={wrap}>
                <MonoText>{f.name}</MonoText>
              </TableCell>
              <RequestCells f={f} />
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
