import Checkbox from '@mui/material/Checkbox';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { ACK_SEPARATOR, namedWitnesses } from '../../../store/emergency-slice.ts';
import { useAppStore } from '../../../store/index.ts';
import { CHECKLIST } from './checklist-items.ts';
import { CeremonyStep, useEmergencyWizard } from './CeremonyStep.tsx';
import { shown } from '../../../components/shown.ts';

/** One checkbox per item per participant: each of them confirms each item. */
export function ChecklistStep() {
  const c = useAppStore((s) => s.emergency);
  const setAck = useAppStore((s) => s.setEmergencyAck);
  const log = useAppStore((s) => s.logEmergency);
  const { go } = useEmergencyWizard();
  const participants = [c.officer ?? '', ...namedWitnesses(c)];
  const missing = participants.reduce((n, p) => n + CHECKLIST.filter((item) => !c.acks[p + ACK_SEPARATOR + item.id]).length, 0);
  const onNext = () => {
    for (const p of participants) log('checklist acknowledged', p, CHECKLIST.filter((i) => c.acks[p + ACK_SEPARATOR + i.id]).map((i) => i.short).join('; '));
    go('new-key');
  };
  return (
    <CeremonyStep
      onBack={() => go('participants')}
      action={{ label: 'Next: the new key', onClick: onNext, disabledReason: missing > 0 ? `${missing} acknowledgement${missing === 1 ? '' : 's'} still missing.` : null }}
    >
      <Typography variant="body2">Each participant reads each item aloud and ticks it in their own column.</Typography>
      <Table size="small" aria-label="Checklist acknowledgements">
        <TableHead>
          <TableRow>
            <TableCell scope="col">Item</TableCell>
            {participants.map((p) => (
              <TableCell key={p} scope="col" align="center">
                {shown(p)}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {CHECKLIST.map((item) => (
            <TableRow key={item.id}>
              <TableCell component="th" scope="row">
                {item.text}
              </TableCell>
              {participants.map((p) => (
                <TableCell key={p} align="center">
                  <Checkbox
                    checked={Boolean(c.acks[p + ACK_SEPARATOR + item.id])}
                    onChange={(e) => setAck(p, item.id, e.target.checked)}
                    slotProps={{ input: { 'aria-label': `${p} acknowledges: ${item.text}` } }}
                  />
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </CeremonyStep>
  );
}
