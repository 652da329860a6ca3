// A company and its contacts (the contacts list filtered by company:"<name>").
import { api, ApiError, errorMessage } from '../../api/client';
import { Link, useDocumentTitle } from '../../app/router';
import { EmptyState, ErrorState, LoadingState, ScoreBadge, StagePill, useAsync } from '../../ui/components';
import { formatCount, formatDate, fullName } from '../../ui/format';
import { quoteValue } from '../filters/filterModel';

export function CompanyPage({ id }: { id: string }) {
  const company = useAsync((signal) => api('get', '/api/v1/companies/{id}', { path: { id }, signal }), [id]);
  const name = company.data?.name ?? '';
  const contacts = useAsync(
    (signal) => (name ? api('get', '/api/v1/contacts', { query: { q: `company:${quoteValue(name)}`, limit: 200, sort: '-lead_score' }, signal }) : Promise.resolve(null)),
    [name],
  );
  useDocumentTitle(name || 'Company');

  if (company.loading && !company.data) return <div className="page"><LoadingState label="Loading company…" /></div>;
  if (company.error || !company.data) {
    const nf = company.error instanceof ApiError && company.error.status === 404;
    return <div className="page"><ErrorState title={nf ? 'Company not found' : 'Could not load this company'} message={nf ? 'It may have been removed.' : errorMessage(company.error)} onRetry={nf ? undefined : company.reload} /></div>;
  }
  const c = company.data;
  return (
    <div className="page">
      <div className="crumbs"><Link to="/companies">Companies</Link> / {c.name}</div>
      <div className="record-head">
        <div className="avatar" aria-hidden="true">{(c.name ?? '?')[0]?.toUpperCase()}</div>
        <div>
          <h1>{c.name}</h1>
          <div className="subtle">{c.domain ?? 'No domain'} · {formatCount(c.contact_count ?? 0)} contacts · added {formatDate(c.created_at)}</div>
        </div>
      </div>
      <section className="card" aria-labelledby="company-contacts">
        <div className="row" style={{ marginBottom: 12 }}>
          <h2 id="company-contacts" style={{ margin: 0, flex: 1 }}>Contacts</h2>
          <Link to={`/contacts?q=${encodeURIComponent(`company:${quoteValue(c.name ?? '')}`)}`}>Open in the contacts list</Link>
        </div>
        {contacts.loading ? <LoadingState /> : contacts.error ? (
          <ErrorState message={contacts.error instanceof ApiError && contacts.error.status === 400 ? 'Filtering contacts by company needs the filter language on this server.' : errorMessage(contacts.error)} />
        ) : (contacts.data?.data ?? []).length === 0 ? <EmptyState title="No contacts at this company" /> : (
          <table className="list">
            <thead><tr><th>Name</th><th>Email</th><th>Stage</th><th>Lead score</th></tr></thead>
            <tbody>
              {(contacts.data?.data ?? []).map((x) => (
                <tr key={x.id}>
                  <td><Link to={`/contacts/${x.id}`}>{fullName(x)}</Link></td>
                  <td>{x.email}</td>
                  <td><StagePill stage={x.lifecycle_stage} /></td>
                  <td><ScoreBadge score={x.lead_score} band={x.band} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
