import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import type { ReactNode } from 'react';

/** One labelled row of a wizard's summary table (what will be done, what was done). */
export function SummaryRow({ label, labelWidth, children }: { label: string; labelWidth?: number; children: ReactNode }) {
  return (
    <TableRow>
      <TableCell component="th" scope="row" sx={labelWidth === undefined ? undefined : { width: labelWidth }}>
        {label}
      </TableCell>
      <TableCell>{children}</TableCell>
    </TableRow>
  );
}
