// The contact record: every field editable in place (one PATCH per change, through the same
// write path as the API), stage selector, score with band, tags with suggestions, company link,
// owner picker, additional emails, custom fields; and the activity timeline beside it.
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { api, ApiError, errorMessage } from '../../api/client';
import type { Contact, ContactInput, CustomField } from '../../api/generated/schema';
import { invalidate, useMeta } from '../../api/meta';
import { Link, navigate, useDocumentTitle } from '../../app/router';
import { ErrorState, LoadingState, ScoreBadge, Toast, useAsync } from '../../ui/components';
import { formatDateTime, fullName, initials, STAGE_LABELS, STAGES } from '../../ui/format';
import { CONTACT_FIELDS } from './contactFields';
import { Timeline } from './Timeline';

export function ContactPage({ id }: { id: string }) {
  const { data: contact, error, loading, reload, setData } = useAsync((signal) => api('get', '/api/v1/contacts/{id}', { path: { id }, signal }), [id]);
  const customFields = useMeta('customFields') ?? [];
  const users = useMeta('users') ?? [];
  const tags = useMeta('tags') ?? [];
  const [timelineVersion, setTimelineVersion] = useState(0);
  const [toast, setToast] = useState<string | null>(null);
  useDocumentTitle(contact ? fullName(contact) : 'Contact');

  if (loading && !contact) return <div className="page"><LoadingState label="Loading contact…" /></div>;
  if (error || !contact) {
    const notFound = error instanceof ApiError && error.status === 404;
    return (
      <div className="page">
        <ErrorState title={notFound ? 'Contact not found' : 'Could not load this contact'} message={notFound ? 'It may have been deleted or merged.' : errorMessage(error)} onRetry={notFound ? undefined : reload} />
      </div>
    );
  }

  // One field at a time; the answer is the whole updated contact. Errors stay on the field.
  const save = async (patch: ContactInput) => {
    const updated = await api('patch', '/api/v1/contacts/{id}', { path: { id }, body: patch });
    setData(updated);
    setTimelineVersion((v) => v + 1);
    if (patch.add_tags || patch.remove_tags) invalidate('tags');
  };

  const remove = async () => {
    if (!window.confirm(`Delete ${fullName(contact)}? It can be restored for 30 days.`)) return;
    try {
      await api('delete', '/api/v1/contacts/{id}', { path: { id } });
      navigate('/contacts');
    } catch (e) {
      setToast(errorMessage(e));
    }
  };

  return (
    <div className="page">
      <div className="crumbs"><Link to="/contacts">Contacts</Link> / {fullName(contact)}</div>
      <div className="record-head">
        <div className="avatar" aria-hidden="true">{initials(contact)}</div>
        <div style={{ flex: 1, minWidth: 0 }}>
          <h1 data-testid="contact-name">{fullName(contact)}</h1>
          <div className="subtle">
            {[contact.title, contact.company?.name].filter(Boolean).join(' at ') || contact.email}
          </div>
        </div>
        <StageSelect value={contact.lifecycle_stage} onChange={(s) => save({ lifecycle_stage: s }).catch((e) => setToast(errorMessage(e)))} />
        <button className="btn danger" onClick={() => void remove()}>Delete</button>
      </div>
      <div className="record">
        <div>
          <div className="card">
            <h2>Details</h2>
            <div className="props">
              <span className="k">Lead score</span>
              <InlineEdit label="Lead score" value={String(contact.lead_score ?? '')} type="number" display={<ScoreBadge score={contact.lead_score} band={contact.band} />}
                onSave={(v) => save({ lead_score: v === '' ? null : Number(v) })} />
              <span className="k">Company</span>
              <InlineEdit label="Company" value={contact.company?.name ?? ''}
                display={contact.company?.id ? <Link to={`/companies/${contact.company.id}`} onClick={(e) => e.stopPropagation()}>{contact.company.name}</Link> : undefined}
                onSave={(v) => save({ company: v || null })} />
              <span className="k">Owner</span>
              <OwnerPicker contact={contact} users={users} onSave={(v) => save({ owner: v || null })} />
              {CONTACT_FIELDS.filter((f) => !['lifecycle_stage', 'lead_score', 'company', 'owner', 'tags', 'additional_emails'].includes(f.key)).map((f) => (
                <Prop key={f.key} label={f.label}>
                  <InlineEdit label={f.label} value={String((contact as Record<string, unknown>)[f.key] ?? '')} type={f.input === 'email' ? 'email' : 'text'}
                    onSave={(v) => save({ [f.key]: v === '' ? null : v } as ContactInput)} />
                </Prop>
              ))}
              <span className="k">Additional emails</span>
              <InlineEdit label="Additional emails" value={(contact.additional_emails ?? []).join(', ')}
                onSave={(v) => save({ additional_emails: v.split(',').map((x) => x.trim()).filter(Boolean) })} />
            </div>
          </div>
          <div className="card">
            <h2>Tags</h2>
            <TagsEditor tags={contact.tags ?? []} suggestions={tags.map((t) => t.name ?? '')}
              onAdd={(t) => save({ add_tags: [t] })} onRemove={(t) => save({ remove_tags: [t] })} />
          </div>
          {customFields.length > 0 && (
            <div className="card">
              <h2>Custom fields</h2>
              <div className="props">
                {customFields.map((f) => (
                  <Prop key={f.id} label={f.label || f.key || ''}>
                    <CustomInline field={f} value={(contact.custom ?? {})[f.key ?? '']}
                      onSave={(v) => save({ custom: { [f.key ?? '']: v } })} />
                  </Prop>
                ))}
              </div>
            </div>
          )}
          <div className="card subtle" style={{ fontSize: 12 }}>
            Created {formatDateTime(contact.created_at)} · Updated {formatDateTime(contact.updated_at)}
          </div>
        </div>
        <Timeline contactId={id} version={timelineVersion} onNoteAdded={() => setTimelineVersion((v) => v + 1)} />
      </div>
      {toast && <Toast message={toast} onDone={() => setToast(null)} />}
    </div>
  );
}

function Prop({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <span className="k">{label}</span>
      {children}
    </>
  );
}

// Shows a value; click (or Enter) turns it into an input; Enter or leaving saves, Escape cancels.
export function InlineEdit({ label, value, onSave, type = 'text', display }: {
  label: string; value: string; onSave: (v: string) => Promise<void>; type?: string; display?: ReactNode;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!editing) setDraft(value);
  }, [value, editing]);
  useEffect(() => {
    if (editing) input.current?.focus();
  }, [editing]);

  const commit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    if (draft.trim() === value.trim()) {
      setEditing(false);
      setError(null);
      return;
    }
    setBusy(true);
    try {
      await onSave(draft.trim());
      setEditing(false);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.details[0]?.message ?? err.message : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (!editing) {
    return (
      <button type="button" className="inline-edit" onClick={() => setEditing(true)} aria-label={`Edit ${label}`} data-field={label}>
        {display ?? (value ? value : <span className="placeholder">Add {label.toLowerCase()}</span>)}
      </button>
    );
  }
  return (
    <form onSubmit={commit} style={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <input ref={input} className={`input${error ? ' invalid' : ''}`} aria-label={label} type={type} value={draft} disabled={busy}
        onChange={(e) => setDraft(e.target.value)} onBlur={() => void commit()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setDraft(value);
            setEditing(false);
            setError(null);
          }
        }} />
      {error && <span className="field-error" role="alert">{error}</span>}
    </form>
  );
}

function CustomInline({ field, value, onSave }: { field: CustomField; value: unknown; onSave: (v: unknown) => Promise<void> }) {
  const label = field.label || field.key || '';
  const [error, setError] = useState<string | null>(null);
  if (field.type === 'select' || field.type === 'boolean') {
    const options = field.type === 'boolean' ? [['true', 'Yes'], ['false', 'No']] : (field.options ?? []).map((o) => [o, o]);
    return (
      <div>
        <select className="input" aria-label={label} value={value === undefined || value === null ? '' : String(value)}
          onChange={(e) => {
            const v = e.target.value;
            onSave(v === '' ? null : field.type === 'boolean' ? v === 'true' : v).then(() => setError(null), (err) => setError(errorMessage(err)));
          }}>
          <option value="">—</option>
          {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
        </select>
        {error && <div className="field-error">{error}</div>}
      </div>
    );
  }
  return (
    <InlineEdit label={label} value={value === undefined || value === null ? '' : String(value)} type={field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text'}
      onSave={(v) => onSave(v === '' ? null : field.type === 'number' ? Number(v) : v)} />
  );
}

function StageSelect({ value, onChange }: { value: string | undefined; onChange: (s: string) => void }) {
  return (
    <div className="field">
      <label htmlFor="stage-select" className="sr-only">Lifecycle stage</label>
      <select id="stage-select" className={`input pill stage-${value}`} style={{ height: 32 }} value={value ?? 'lead'} onChange={(e) => onChange(e.target.value)}>
        {STAGES.map((s) => <option key={s} value={s}>{STAGE_LABELS[s]}</option>)}
      </select>
    </div>
  );
}

function OwnerPicker({ contact, users, onSave }: { contact: Contact; users: Array<{ id: string; email: string; name: string }>; onSave: (v: string) => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  const current = contact.owner?.email ?? '';
  const known = users.some((u) => u.email === current);
  return (
    <div>
      <select className="input" aria-label="Owner" value={current} style={{ width: '100%' }}
        onChange={(e) => onSave(e.target.value).then(() => setError(null), (err) => setError(errorMessage(err)))}>
        <option value="">No owner</option>
        {!known && current && <option value={current}>{contact.owner?.name || current}</option>}
        {users.map((u) => <option key={u.id} value={u.email}>{u.name || u.email}</option>)}
      </select>
      {error && <div className="field-error">{error}</div>}
    </div>
  );
}

function TagsEditor({ tags, suggestions, onAdd, onRemove }: { tags: string[]; suggestions: string[]; onAdd: (t: string) => Promise<void>; onRemove: (t: string) => Promise<void> }) {
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const t = draft.trim();
    if (!t) return;
    try {
      await onAdd(t);
      setDraft('');
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const matches = draft.trim() ? suggestions.filter((s) => s.toLowerCase().includes(draft.trim().toLowerCase()) && !tags.includes(s)).slice(0, 6) : [];
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
      <div className="tags wrap" data-testid="contact-tags">
        {tags.length === 0 && <span className="subtle">No tags</span>}
        {tags.map((t) => (
          <span className="tag" key={t}>{t}<button aria-label={`Remove tag ${t}`} onClick={() => onRemove(t).catch((err) => setError(errorMessage(err)))}>×</button></span>
        ))}
      </div>
      <form onSubmit={add} className="row">
        <label htmlFor="add-tag" className="sr-only">Add a tag</label>
        <input id="add-tag" className="input" placeholder="Add a tag" value={draft} onChange={(e) => setDraft(e.target.value)} list="tag-suggestions" autoComplete="off" />
        <datalist id="tag-suggestions">{matches.map((s) => <option key={s} value={s} />)}</datalist>
        <button className="btn" type="submit">Add</button>
      </form>
      {matches.length > 0 && (
        <div className="tags wrap" aria-label="Suggestions">
          {matches.map((s) => <button key={s} className="tag" style={{ border: 0, cursor: 'pointer' }} onClick={() => void onAdd(s).then(() => setDraft(''))}>+ {s}</button>)}
        </div>
      )}
      {error && <div className="field-error" role="alert">{error}</div>}
    </div>
  );
}
