// Settings: custom fields, tags, users and roles, API tokens, Import Data (features/imports/). Each section is one component
// over its existing endpoints; admin-only actions answer 403 for members, shown as errors.
import { type FormEvent, useState } from 'react';
import { api, ApiError, errorMessage } from '../../api/client';
import type { CreatedApiToken, CustomField, FieldError, Tag } from '../../api/generated/schema';
import { invalidate } from '../../api/meta';
import { Link, useDocumentTitle } from '../../app/router';
import { useMe } from '../../app/session';
import { EmptyState, ErrorState, LoadingState, useAsync } from '../../ui/components';
import { formatCount, formatDate, relativeTime } from '../../ui/format';
import { ImportWizard } from '../imports/ImportWizard';

const SECTIONS = [
  { key: 'fields', label: 'Custom fields' },
  { key: 'tags', label: 'Tags' },
  { key: 'users', label: 'Users' },
  { key: 'tokens', label: 'API tokens' },
  { key: 'import', label: 'Import Data' },
];

export function SettingsPage({ section }: { section: string }) {
  const current = SECTIONS.find((s) => s.key === section) ?? SECTIONS[0]!;
  useDocumentTitle(`Settings · ${current.label}`);
  return (
    <div className="page">
      <div className="page-head"><h1>Settings</h1></div>
      <nav className="tabs" aria-label="Settings sections">
        {SECTIONS.map((s) => (
          <Link key={s.key} to={`/settings/${s.key}`} className={s.key === current.key ? 'active' : ''} aria-current={s.key === current.key ? 'page' : undefined}>{s.label}</Link>
        ))}
      </nav>
      {current.key === 'fields' && <CustomFieldsSettings />}
      {current.key === 'tags' && <TagsSettings />}
      {current.key === 'users' && <UsersSettings />}
      {current.key === 'tokens' && <TokensSettings />}
      {current.key === 'import' && <ImportWizard />}
    </div>
  );
}

function fieldErr(errors: FieldError[], field: string) {
  const e = errors.find((x) => x.field === field);
  return e ? <div className="field-error" role="alert">{e.message}</div> : null;
}

// Only text and number fields may be unique (the server refuses the others, naming "unique").
function canBeUnique(type: NonNullable<CustomField['type']>) {
  return type === 'text' || type === 'number';
}

function CustomFieldsSettings() {
  const list = useAsync(() => api('get', '/api/v1/custom-fields'), []);
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [type, setType] = useState<NonNullable<CustomField['type']>>('text');
  const [options, setOptions] = useState('');
  const [unique, setUnique] = useState(false);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const fields = [...(list.data?.data ?? [])].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));

  const changed = () => {
    invalidate('customFields');
    list.reload();
  };
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setErrors([]);
    setMessage(null);
    try {
      await api('post', '/api/v1/custom-fields', {
        body: { key: key.trim(), label: label.trim() || undefined, type, options: type === 'select' ? options.split(',').map((o) => o.trim()).filter(Boolean) : undefined, unique: canBeUnique(type) && unique ? true : undefined },
      });
      setKey('');
      setLabel('');
      setOptions('');
      setUnique(false);
      changed();
    } catch (err) {
      if (err instanceof ApiError && err.details.length) setErrors(err.details);
      else setMessage(errorMessage(err));
    }
  };
  const patch = async (f: CustomField, body: { label?: string; position?: number; unique?: boolean }) => {
    try {
      await api('patch', '/api/v1/custom-fields/{id}', { path: { id: f.id! }, body });
      changed();
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };
  const swap = async (i: number, j: number) => {
    const a = fields[i];
    const b = fields[j];
    if (!a || !b) return;
    await patch(a, { position: b.position ?? j });
    await patch(b, { position: a.position ?? i });
  };
  const remove = async (f: CustomField) => {
    if (!window.confirm(`Delete the field “${f.label || f.key}”? Its values on every contact are removed too.`)) return;
    try {
      await api('delete', '/api/v1/custom-fields/{id}', { path: { id: f.id! } });
      changed();
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };

  return (
    <>
      <form className="form-section" onSubmit={create} aria-labelledby="new-field-title">
        <h2 id="new-field-title">New custom field</h2>
        <div className="form-grid">
          <div className="field"><label htmlFor="cf-key">Key</label>
            <input id="cf-key" className="input" value={key} onChange={(e) => setKey(e.target.value)} placeholder="industry" required />{fieldErr(errors, 'key')}</div>
          <div className="field"><label htmlFor="cf-label">Label</label>
            <input id="cf-label" className="input" value={label} onChange={(e) => setLabel(e.target.value)} placeholder="Industry" />{fieldErr(errors, 'label')}</div>
          <div className="field"><label htmlFor="cf-type">Type</label>
            <select id="cf-type" className="input" value={type} onChange={(e) => setType(e.target.value as typeof type)}>
              {['text', 'number', 'date', 'boolean', 'select'].map((t) => <option key={t} value={t}>{t}</option>)}
            </select>{fieldErr(errors, 'type')}</div>
          {type === 'select' && (
            <div className="field"><label htmlFor="cf-options">Options (comma-separated)</label>
              <input id="cf-options" className="input" value={options} onChange={(e) => setOptions(e.target.value)} placeholder="Software, Retail" />{fieldErr(errors, 'options')}</div>
          )}
          {canBeUnique(type) && (
            <div className="field"><label className="checkbox" htmlFor="cf-unique">
              <input id="cf-unique" type="checkbox" checked={unique} onChange={(e) => setUnique(e.target.checked)} /> Unique value (no two contacts share it; imports can match on it)</label>
              {fieldErr(errors, 'unique')}</div>
          )}
        </div>
        <div className="form-actions" style={{ marginTop: 12 }}><button className="btn primary" type="submit">Create field</button></div>
      </form>
      {message && <div className="alert" role="alert">{message}</div>}
      {list.loading && !list.data ? <LoadingState /> : list.error ? <ErrorState message={errorMessage(list.error)} onRetry={list.reload} /> : fields.length === 0 ? (
        <EmptyState title="No custom fields yet">Add fields your team tracks, such as industry or plan.</EmptyState>
      ) : (
        <div className="list-wrap">
          <table className="list" aria-label="Custom fields">
            <thead><tr><th>Label</th><th>Key</th><th>Type</th><th>Options</th><th>Unique</th><th /></tr></thead>
            <tbody>
              {fields.map((f, i) => (
                <tr key={f.id}>
                  <td><RenameCell value={f.label || f.key || ''} label={`Rename ${f.key}`} onSave={(v) => patch(f, { label: v })} /></td>
                  <td><code>custom.{f.key}</code></td>
                  <td>{f.type}</td>
                  <td className="subtle">{(f.options ?? []).join(', ') || '—'}</td>
                  <td>{f.type && canBeUnique(f.type) ? (
                    <input type="checkbox" aria-label={`${f.key} unique`} checked={!!f.unique}
                      onChange={(e) => void patch(f, { unique: e.target.checked })} />
                  ) : '—'}</td>
                  <td style={{ whiteSpace: 'nowrap', textAlign: 'right' }}>
                    <button className="btn small ghost" aria-label={`Move ${f.key} up`} disabled={i === 0} onClick={() => void swap(i, i - 1)}>↑</button>
                    <button className="btn small ghost" aria-label={`Move ${f.key} down`} disabled={i === fields.length - 1} onClick={() => void swap(i, i + 1)}>↓</button>
                    <button className="btn small danger" onClick={() => void remove(f)}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function RenameCell({ value, label, onSave }: { value: string; label: string; onSave: (v: string) => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  if (!editing) return <button className="inline-edit" onClick={() => { setDraft(value); setEditing(true); }} aria-label={label}>{value}</button>;
  return (
    <form className="row" onSubmit={(e) => { e.preventDefault(); void onSave(draft.trim()).then(() => setEditing(false)); }}>
      <input className="input" aria-label={label} value={draft} onChange={(e) => setDraft(e.target.value)} autoFocus onKeyDown={(e) => e.key === 'Escape' && setEditing(false)} />
      <button className="btn small primary" type="submit">Save</button>
    </form>
  );
}

function TagsSettings() {
  const list = useAsync(() => api('get', '/api/v1/tags'), []);
  const [message, setMessage] = useState<string | null>(null);
  const [mergeFrom, setMergeFrom] = useState<Tag | null>(null);
  const [mergeInto, setMergeInto] = useState('');
  const tags = list.data?.data ?? [];
  const run = async (p: Promise<unknown>) => {
    try {
      await p;
      setMessage(null);
      invalidate('tags');
      list.reload();
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };
  return (
    <>
      <p className="subtle" style={{ margin: 0 }}>Renaming, merging and deleting change every contact that carries the tag, and each change shows on its timeline.</p>
      {message && <div className="alert" role="alert">{message}</div>}
      {list.loading && !list.data ? <LoadingState /> : list.error ? <ErrorState message={errorMessage(list.error)} onRetry={list.reload} /> : tags.length === 0 ? (
        <EmptyState title="No tags yet">Tags appear as you add them to contacts.</EmptyState>
      ) : (
        <div className="list-wrap">
          <table className="list" aria-label="Tags">
            <thead><tr><th>Tag</th><th className="num">Contacts</th><th /></tr></thead>
            <tbody>
              {tags.map((t) => (
                <tr key={t.id}>
                  <td><RenameCell value={t.name ?? ''} label={`Rename tag ${t.name}`} onSave={(v) => run(api('patch', '/api/v1/tags/{id}', { path: { id: t.id! }, body: { name: v } }))} /></td>
                  <td className="num"><Link to={`/contacts?q=${encodeURIComponent(`tag:"${t.name}"`)}`}>{formatCount(t.contact_count ?? 0)}</Link></td>
                  <td style={{ textAlign: 'right', whiteSpace: 'nowrap' }}>
                    {mergeFrom?.id === t.id ? (
                      <form className="row" style={{ justifyContent: 'flex-end' }} onSubmit={(e) => {
                        e.preventDefault();
                        if (mergeInto) void run(api('post', '/api/v1/tags/{id}/merge', { path: { id: t.id! }, body: { into: mergeInto } })).then(() => setMergeFrom(null));
                      }}>
                        <label htmlFor="merge-into" className="sr-only">Merge into</label>
                        <select id="merge-into" className="input" style={{ flex: 'none', width: 180 }} value={mergeInto} onChange={(e) => setMergeInto(e.target.value)}>
                          <option value="">Merge into…</option>
                          {tags.filter((x) => x.id !== t.id).map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
                        </select>
                        <button className="btn small primary" type="submit" disabled={!mergeInto}>Merge</button>
                        <button className="btn small ghost" type="button" onClick={() => setMergeFrom(null)}>Cancel</button>
                      </form>
                    ) : (
                      <>
                        <button className="btn small" onClick={() => { setMergeFrom(t); setMergeInto(''); }}>Merge…</button>{' '}
                        <button className="btn small danger" onClick={() => {
                          if (window.confirm(`Delete the tag “${t.name}” from ${t.contact_count ?? 0} contacts?`)) void run(api('delete', '/api/v1/tags/{id}', { path: { id: t.id! } }));
                        }}>Delete</button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function UsersSettings() {
  const me = useMe();
  const list = useAsync(() => api('get', '/api/v1/users'), []);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'admin' | 'member'>('member');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const isAdmin = me.role === 'admin';

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setErrors([]);
    setMessage(null);
    try {
      await api('post', '/api/v1/users', { body: { email: email.trim(), name: name.trim() || undefined, role, password: password || undefined } });
      setEmail('');
      setName('');
      setPassword('');
      invalidate('users');
      list.reload();
    } catch (err) {
      if (err instanceof ApiError && err.details.length) setErrors(err.details);
      else setMessage(errorMessage(err));
    }
  };
  const patch = async (id: string, body: { role?: 'admin' | 'member'; disabled?: boolean }) => {
    try {
      await api('patch', '/api/v1/users/{id}', { path: { id }, body });
      invalidate('users');
      list.reload();
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };

  return (
    <>
      {isAdmin && (
        <form className="form-section" onSubmit={create} aria-labelledby="new-user-title">
          <h2 id="new-user-title">Add a user</h2>
          <div className="form-grid">
            <div className="field"><label htmlFor="u-email">Email</label><input id="u-email" className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />{fieldErr(errors, 'email')}</div>
            <div className="field"><label htmlFor="u-name">Name</label><input id="u-name" className="input" value={name} onChange={(e) => setName(e.target.value)} />{fieldErr(errors, 'name')}</div>
            <div className="field"><label htmlFor="u-role">Role</label>
              <select id="u-role" className="input" value={role} onChange={(e) => setRole(e.target.value as 'admin' | 'member')}><option value="member">Member</option><option value="admin">Admin</option></select></div>
            <div className="field"><label htmlFor="u-password">Password (8+ characters)</label><input id="u-password" className="input" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />{fieldErr(errors, 'password')}</div>
          </div>
          <div className="form-actions" style={{ marginTop: 12 }}><button className="btn primary" type="submit">Add user</button></div>
        </form>
      )}
      {message && <div className="alert" role="alert">{message}</div>}
      {list.loading && !list.data ? <LoadingState /> : list.error ? <ErrorState message={errorMessage(list.error)} onRetry={list.reload} /> : (
        <div className="list-wrap">
          <table className="list" aria-label="Users">
            <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Status</th><th>Added</th></tr></thead>
            <tbody>
              {(list.data?.data ?? []).map((u) => (
                <tr key={u.id}>
                  <td>{u.name || <span className="subtle">—</span>}{u.id === me.user.id && <span className="subtle"> (you)</span>}</td>
                  <td>{u.email}</td>
                  <td>
                    {isAdmin ? (
                      <select className="input" aria-label={`Role of ${u.email}`} value={u.role} onChange={(e) => void patch(u.id, { role: e.target.value as 'admin' | 'member' })}>
                        <option value="member">Member</option><option value="admin">Admin</option>
                      </select>
                    ) : u.role}
                  </td>
                  <td>
                    {u.disabled ? 'Disabled' : 'Active'}
                    {isAdmin && u.id !== me.user.id && <> · <button className="btn small ghost" onClick={() => void patch(u.id, { disabled: !u.disabled })}>{u.disabled ? 'Enable' : 'Disable'}</button></>}
                  </td>
                  <td>{formatDate(u.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function TokensSettings() {
  const list = useAsync(() => api('get', '/api/v1/tokens'), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    try {
      const t = await api('post', '/api/v1/tokens', { body: { name: name.trim() } });
      setCreated(t);
      setName('');
      list.reload();
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };
  const revoke = async (id: string, tokenName: string) => {
    if (!window.confirm(`Revoke “${tokenName}”? Scripts using it stop working at once.`)) return;
    try {
      await api('delete', '/api/v1/tokens/{id}', { path: { id } });
      list.reload();
    } catch (err) {
      setMessage(errorMessage(err));
    }
  };
  return (
    <>
      <form className="form-section" onSubmit={create} aria-labelledby="new-token-title">
        <h2 id="new-token-title">Create an API token</h2>
        <div className="row">
          <label htmlFor="token-name" className="sr-only">Token name</label>
          <input id="token-name" className="input" placeholder="What it is for, e.g. Nightly import" value={name} onChange={(e) => setName(e.target.value)} required />
          <button className="btn primary" type="submit" disabled={!name.trim()}>Create token</button>
        </div>
      </form>
      {created && (
        <div className="alert ok" role="status">
          <div style={{ marginBottom: 8 }}><strong>Copy the token “{created.name}” now.</strong> It is stored only as a hash and is not shown again.</div>
          <div className="code" data-testid="new-token">{created.token}</div>
          <div className="form-actions" style={{ marginTop: 8 }}>
            <button className="btn small" onClick={() => void navigator.clipboard?.writeText(created.token)}>Copy</button>
            <button className="btn small ghost" onClick={() => setCreated(null)}>Done</button>
          </div>
        </div>
      )}
      {message && <div className="alert" role="alert">{message}</div>}
      {list.loading && !list.data ? <LoadingState /> : list.error ? <ErrorState message={errorMessage(list.error)} onRetry={list.reload} /> : (list.data?.data ?? []).length === 0 ? (
        <EmptyState title="No API tokens">Tokens let scripts and other tools use the API as you.</EmptyState>
      ) : (
        <div className="list-wrap">
          <table className="list" aria-label="API tokens">
            <thead><tr><th>Name</th><th>Created</th><th>Last used</th><th /></tr></thead>
            <tbody>
              {(list.data?.data ?? []).map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{formatDate(t.created_at)}</td>
                  <td>{t.last_used_at ? relativeTime(t.last_used_at) : <span className="subtle">never</span>}</td>
                  <td style={{ textAlign: 'right' }}><button className="btn small danger" onClick={() => void revoke(t.id, t.name)}>Revoke</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
