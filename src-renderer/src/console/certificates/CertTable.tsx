import Box from '@mui/material/Box';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import type { CertView } from '../../../../src-main/api/contract.ts';
import { shortHex } from '../../components/KeyIdChip.tsx';
import { LocalDateTime } from '../../components/LocalDateTime.tsx';
import { MONO_FONT } from '../../theme.ts';
import { CertStatusChip } from './CertStatusChip.tsx';
import { shown } from '../../components/shown.ts';

const ROW_HEIGHT = 44;
// The issuer gets its width before the subject: it is what tells "Fleet Root 2025" from "Fleet Root 2026", and it wraps
// rather than being cut. The serial is shortened in the middle to a fixed width (the full serial is in the drawer).
const COLUMNS = 'minmax(0, 1.2fr) 11.5ch minmax(0, 1fr) 84px 128px 64px';
const HEADERS = ['Subject', 'Serial', 'Issuer', 'Status', 'Not after', 'Profile'];

/** The common name is what an officer recognises; the full DN stays in the drawer. */
function shortSubject(dn: string): string {
  const cn = /(?:^|,)\s*CN=((?:\\,|[^,])+)/.exec(dn);
  return cn?.[1]?.replaceAll('\\,', ',') ?? dn;
}

interface Props {
  total: number;
  queryKey: string;
  /** Changes whenever a page arrives: `row` is stable, so this is what tells the table to look again. */
  loaded: number;
  row: (index: number) => CertView | undefined;
  ensureRange: (first: number, last: number) => void;
  issuerName: (keyId: string) => string;
  onOpen: (serial: string) => void;
}

interface RowProps {
  index: number;
  start: number;
  c: CertView | undefined;
  issuerName: (keyId: string) => string;
  onOpen: (serial: string) => void;
}

/** One row, re-rendered only when its certificate, place or callbacks change (not on every keystroke or page arrival). */
const CertRow = memo(function CertRow({ index, start, c, issuerName, onOpen }: RowProps) {
  return (
    <Box
      role="row"
      aria-rowindex={index + 2}
      data-testid="cert-row"
      data-index={index}
      onClick={c ? () => onOpen(c.serial) : undefined}
      sx={{
        position: 'absolute',
        top: 0,
        left: 0,
        right: 0,
        height: ROW_HEIGHT,
        transform: `translateY(${start}px)`,
        display: 'grid',
        gridTemplateColumns: COLUMNS,
        gap: 1.5,
        alignItems: 'center',
        px: 2,
        borderBottom: 1,
        borderColor: 'divider',
        cursor: c ? 'pointer' : 'default',
        '&:hover': { bgcolor: 'action.hover' },
      }}
    >
      {c ? (
        <>
          <Box role="cell" sx={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
            <Link
              component="button"
              type="button"
              underline="hover"
              title={shown(c.subject)}
              onClick={(e) => {
                e.stopPropagation();
                onOpen(c.serial);
              }}
              sx={{ textAlign: 'left', maxWidth: '100%', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', display: 'block' }}
            >
              {shown(shortSubject(c.subject))}
            </Link>
          </Box>
          <Box role="cell" title={c.serial} data-testid="cert-row-serial" sx={{ fontFamily: MONO_FONT, fontSize: '0.85rem', whiteSpace: 'nowrap' }}>
            {shortHex(c.serial, 1)}
          </Box>
          <Box
            role="cell"
            title={`${shown(issuerName(c.issuerKeyId))} (${c.issuerKeyId})`}
            data-testid="cert-row-issuer"
            sx={{ fontSize: '0.875rem', lineHeight: 1.25, overflowWrap: 'anywhere', display: '-webkit-box', WebkitLineClamp: 2, WebkitBoxOrient: 'vertical', overflow: 'hidden' }}
          >
            {shown(issuerName(c.issuerKeyId))}
          </Box>
          <Box role="cell">
            <CertStatusChip status={c.status} />
          </Box>
          <Box role="cell" sx={{ fontSize: '0.875rem', whiteSpace: 'nowrap' }}>
            <LocalDateTime iso={c.notAfter} />
          </Box>
          <Box role="cell">{c.profile}</Box>
        </>
      ) : (
        <Box role="cell" sx={{ gridColumn: '1 / -1', color: 'text.secondary' }}>
          Loading row {index + 1}…
        </Box>
      )}
    </Box>
  );
});

/**
 * A virtualized table: only the rows in view (plus a few) are in the DOM, and
 * the pages they need are fetched as the officer scrolls. ARIA table roles
 * with aria-rowcount tell a screen reader how many rows there are in all.
 */
export const CertTable = memo(function CertTable({ total, queryKey, row, ensureRange, issuerName, onOpen }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (total > 0) ensureRange(first, last);
  }, [first, last, total, queryKey, ensureRange]);

  useEffect(() => {
    // A new query starts at the top.
    virtualizer.scrollToOffset(0);
  }, [queryKey, virtualizer]);

  return (
    <Box role="table" aria-label="Certificates" aria-rowcount={total + 1} data-testid="cert-table" sx={{ border: 1, borderColor: 'divider', borderRadius: 1, overflow: 'hidden' }}>
      <Box role="rowgroup">
        <Box role="row" aria-rowindex={1} sx={{ display: 'grid', gridTemplateColumns: COLUMNS, gap: 1.5, px: 2, py: 1, bgcolor: 'action.hover', borderBottom: 1, borderColor: 'divider' }}>
          {HEADERS.map((h) => (
            <Typography key={h} role="columnheader" variant="subtitle2" component="div">
              {h}
            </Typography>
          ))}
        </Box>
      </Box>
      <Box ref={scrollRef} role="rowgroup" data-testid="cert-scroll" sx={{ height: 'max(320px, calc(100vh - 360px))', overflowY: 'auto', position: 'relative' }}>
        <Box sx={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((vi) => (
            <CertRow key={vi.key} index={vi.index} start={vi.start} c={row(vi.index)} issuerName={issuerName} onOpen={onOpen} />
          ))}
        </Box>
      </Box>
    </Box>
  );
});
