// Keyset-paged contacts for one view: the first page as soon as it arrives, the next ones as
// the table scrolls near the end (next_cursor), and the count in a separate request so a slow
// count never holds back the first rows.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, hasRoute, untypedApi } from '../../api/client';
import type { Contact } from '../../api/generated/schema';

const PAGE = 200;

export type ContactList = {
  rows: Contact[];
  loading: boolean; // a page is in flight
  done: boolean; // no more pages
  error: ApiError | Error | null;
  count: number | null | 'unavailable';
  loadMore: () => void;
  reload: () => void;
  remove: (ids: Set<string>) => void;
};

export function useContactList(q: string, sort: string): ContactList {
  const [rows, setRows] = useState<Contact[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [count, setCount] = useState<number | null | 'unavailable'>(null);
  const [generation, setGeneration] = useState(0);
  const inflight = useRef<AbortController | null>(null);

  const fetchPage = useCallback((after: string | null, gen: number) => {
    inflight.current?.abort();
    const ctrl = new AbortController();
    inflight.current = ctrl;
    setLoading(true);
    api('get', '/api/v1/contacts', {
      query: { q: q || undefined, sort: sort || undefined, limit: PAGE, cursor: after ?? undefined },
      signal: ctrl.signal,
    })
      .then((page) => {
        if (ctrl.signal.aborted || gen !== genRef.current) return;
        setRows((prev) => (after ? [...prev, ...page.data] : page.data));
        setCursor(page.next_cursor);
        setDone(!page.next_cursor);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (ctrl.signal.aborted || gen !== genRef.current) return;
        setError(e instanceof Error ? e : new Error(String(e)));
        setLoading(false);
      });
  }, [q, sort]);

  const genRef = useRef(0);
  useEffect(() => {
    const gen = ++genRef.current;
    setRows([]);
    setCursor(null);
    setDone(false);
    setError(null);
    setCount(null);
    fetchPage(null, gen);

    // The count endpoint arrives with the filter language (GET /api/v1/contacts/count); until
    // this server describes it, the footer says the count is unavailable.
    const ctrl = new AbortController();
    if (hasRoute('get', '/api/v1/contacts/count')) {
      untypedApi<{ count: number }>('get', '/api/v1/contacts/count', { query: { q: q || undefined }, signal: ctrl.signal })
        .then((r) => !ctrl.signal.aborted && setCount(r.count))
        .catch(() => !ctrl.signal.aborted && setCount('unavailable'));
    } else {
      setCount('unavailable');
    }
    return () => {
      ctrl.abort();
      inflight.current?.abort();
    };
  }, [q, sort, generation, fetchPage]);

  const loadMore = useCallback(() => {
    if (loading || done || error || !cursor) return;
    fetchPage(cursor, genRef.current);
  }, [loading, done, error, cursor, fetchPage]);

  const remove = useCallback((ids: Set<string>) => {
    setRows((prev) => prev.filter((r) => !ids.has(r.id ?? '')));
    setCount((c) => (typeof c === 'number' ? Math.max(0, c - ids.size) : c));
  }, []);

  return { rows, loading, done, error, count, loadMore, reload: () => setGeneration((g) => g + 1), remove };
}
