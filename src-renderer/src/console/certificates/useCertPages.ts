import { useCallback, useEffect, useRef, useState } from 'react';
import type { CertView, OpInput } from '../../../../src-main/api/contract.ts';
import { call, type ApiFailure } from '../../api.ts';

export const CERT_PAGE_SIZE = 200;

interface PageCache {
  key: string;
  input: OpInput<'cert.list'>;
  pages: Map<number, CertView[]>;
  loading: Set<number>;
}

/**
 * The certificate list as pages of cert.list, fetched when the table needs
 * them and kept for the current query only (the CA is part of the query): 100,000 rows never sit in React
 * state at once. A new query (or `version`) starts a fresh cache; answers for
 * an old query are dropped.
 */
export function useCertPages(query: { search: string; issuer: string; status: string; ca: string | null }, version: number) {
  const input: OpInput<'cert.list'> = {
    ...(query.ca !== null ? { ca: query.ca } : {}),
    ...(query.search.trim() ? { search: query.search.trim() } : {}),
    ...(query.issuer ? { issuer: query.issuer } : {}),
    ...(query.status ? { status: query.status as 'valid' | 'revoked' | 'expired' } : {}),
  };
  const key = JSON.stringify([input, version]);
  const cache = useRef<PageCache>({ key: '', input, pages: new Map(), loading: new Set() });
  const [total, setTotal] = useState<number | null>(null);
  const [loadedKey, setLoadedKey] = useState<string | null>(null);
  const [error, setError] = useState<{ key: string; failure: ApiFailure } | null>(null);
  const [loaded, setTick] = useState(0);

  const load = useCallback((page: number) => {
    const c = cache.current;
    if (c.pages.has(page) || c.loading.has(page)) return;
    c.loading.add(page);
    void call('cert.list', { ...c.input, limit: CERT_PAGE_SIZE, offset: page * CERT_PAGE_SIZE }).then((r) => {
      if (cache.current !== c) return;
      c.loading.delete(page);
      if (r.ok) {
        c.pages.set(page, r.value.items);
        setTotal(r.value.total);
        setLoadedKey(c.key);
        setError(null);
      } else {
        setError({ key: c.key, failure: r });
      }
      setTick((t) => t + 1);
    });
  }, []);

  useEffect(() => {
    // A new query: keep showing nothing stale, fetch its first page. The input is captured with the key.
    cache.current = { key, input: JSON.parse(key)[0] as OpInput<'cert.list'>, pages: new Map(), loading: new Set() };
    load(0);
  }, [key, load]);

  const row = useCallback((index: number): CertView | undefined => cache.current.pages.get(Math.floor(index / CERT_PAGE_SIZE))?.[index % CERT_PAGE_SIZE], []);
  const ensureRange = useCallback(
    (first: number, last: number) => {
      for (let p = Math.floor(first / CERT_PAGE_SIZE); p <= Math.floor(last / CERT_PAGE_SIZE); p++) load(p);
    },
    [load],
  );

  const current = loadedKey === key;
  return { total: current ? total : null, loaded, row, ensureRange, error: error?.key === key ? error.failure : null, queryKey: key, retry: () => load(0) };
}
