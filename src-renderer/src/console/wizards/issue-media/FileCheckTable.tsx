import Stack from '@mui/material/Stack';
import type { SxProps, Theme } from '@mui/material/styles';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { MonoText } from '../../../components/MonoText.tsx';
import { MessageText } from '../../../components/MessageText.tsx';

/** One file and what became of it: accepted (with what to say) or refused (with the api's code and message). */
export type FileCheck = { file: string; ok: true; text: ReactNode } | { file: string; ok: false; code: string | null; message: string | null };

/** A titled table of files, one row each: the requests as read, the certificates as issued. */
export function FileCheckTable({
  title,
  titleId,
  countTestId,
  tableTestId,
  rowTestId,
  checkHeading,
  rows,
  hideEmpty = false,
  sx,
}: {
  title: string;
  titleId: string;
  countTestId: string;
  tableTestId: string;
  rowTestId: string;
  checkHeading: string;
  rows: readonly FileCheck[];
  /** No table at all when there is no file (the title says so). */
  hideEmpty?: boolean;
  sx?: SxProps<Theme>;
}) {
  return (
    <Stack sx={sx} spacing={1}>
      <Typography variant="subtitle1" component="h3" id={titleId} data-testid={countTestId}>
        {title}
      </Typography>
      {rows.length > 0 || !hideEmpty ? (
        <Table size="small" aria-labelledby={titleId} data-testid={tableTestId}>
          <TableHead>
            <TableRow>
              <TableCell>File</TableCell>
              <TableCell>{checkHeading}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={r.file} data-testid={rowTestId}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  <MonoText>{r.file}</MonoText>
                </TableCell>
                <TableCell>
                  {r.ok ? (
                    r.text
                  ) : (
                    <>
                      <strong>Refused</strong> ({r.code}): <MessageText text={r.message} />
                    </>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </Stack>
  );
}
