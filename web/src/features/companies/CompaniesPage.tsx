// Companies: every company with its contact count, keyset-paged by name.
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { Company } from '../../api/generated/schema';
import { Link, navigate, useDocumentTitle } from '../../app/router';
import { EmptyState, ErrorState, LoadingState } from '../../ui/components';
import { formatCount, formatDate } from '../../ui/format';

export function CompaniesPage() {
  useDocumentTitle('Companies');
  const [rows, setRows] = useState<Company[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  const load = (after: string | null) => {
    setLoading(true);
    api('get', '/api/v1/companies', { query: { sort: 'name', limit: 100, cursor: after ?? undefined } })
      .then((page) => {
        setRows((prev) => (after ? [...prev, ...(page.data ?? [])] : page.data ?? []));
        setCursor(page.next_cursor ?? null);
        setLoading(false);
      })
      .catch((e: unknown) => {
        setError(e);
        setLoading(false);
      });
  };
  useEffect(() => {
    setError(null);
    load(null);
  }, [tick]);

  return (
    <div className="page">
      <div className="page-head"><h1>Companies</h1></div>
      {error !== null ? (
        <ErrorState message={errorMessage(error)} onRetry={() => setTick((t) => t + 1)} />
      ) : rows.length === 0 && loading ? (
        <LoadingState label="Loading companies…" />
      ) : rows.length === 0 ? (
        <EmptyState title="No companies yet">Companies appear when a contact names one.</EmptyState>
      ) : (
        <div className="list-wrap">
          <table className="list">
            <thead><tr><th>Name</th><th>Domain</th><th className="num">Contacts</th><th>Added</th></tr></thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/companies/${c.id}`)}>
                  <td><Link to={`/companies/${c.id}`} onClick={(e) => e.stopPropagation()}>{c.name}</Link></td>
                  <td>{c.domain ?? <span className="subtle">—</span>}</td>
                  <td className="num">{formatCount(c.contact_count ?? 0)}</td>
                  <td>{formatDate(c.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && !error && <div><button className="btn" disabled={loading} onClick={() => load(cursor)}>{loading ? 'Loading…' : 'Load more'}</button></div>}
    </div>
  );
}
