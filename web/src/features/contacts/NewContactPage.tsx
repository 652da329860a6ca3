// New Contact: every built-in field and each custom field. Validation is the server's: its
// field errors show under their inputs, and a duplicate email links to the contact that has it.
import { type FormEvent, useState } from 'react';
import { api, ApiError, errorMessage } from '../../api/client';
import type { CustomField, FieldError } from '../../api/generated/schema';
import { invalidate, useMeta } from '../../api/meta';
import { Link, navigate, useDocumentTitle } from '../../app/router';
import { STAGE_LABELS, STAGES } from '../../ui/format';
import { CONTACT_FIELDS, SECTION_LABELS } from './contactFields';

export function NewContactPage() {
  useDocumentTitle('New contact');
  const customFields = useMeta('customFields') ?? [];
  const users = useMeta('users') ?? [];
  const [values, setValues] = useState<Record<string, string>>({ lifecycle_stage: 'lead' });
  const [custom, setCustom] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = (k: string, v: string) => setValues((s) => ({ ...s, [k]: v }));
  const errorFor = (k: string) => errors.find((e) => e.field === k || e.field.startsWith(`${k}[`));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors([]);
    setFormError(null);
    const body: Record<string, unknown> = {};
    for (const f of CONTACT_FIELDS) {
      const v = (values[f.key] ?? '').trim();
      if (v === '') continue;
      if (f.input === 'score') body[f.key] = Number(v);
      else if (f.input === 'tags' || f.input === 'emails') body[f.key] = v.split(',').map((x) => x.trim()).filter(Boolean);
      else body[f.key] = v;
    }
    const c: Record<string, unknown> = {};
    for (const f of customFields) {
      const v = (custom[f.key ?? ''] ?? '').trim();
      if (v === '') continue;
      c[f.key ?? ''] = f.type === 'number' ? Number(v) : f.type === 'boolean' ? v === 'true' : v;
    }
    if (Object.keys(c).length > 0) body.custom = c;
    try {
      const created = await api('post', '/api/v1/contacts', { body: body as never });
      if (body.tags) invalidate('tags');
      navigate(`/contacts/${created.id}`);
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.details.length > 0) {
        setErrors(err.details);
        setFormError(err.status === 409 ? null : 'Some fields need attention.');
      } else setFormError(errorMessage(err));
    }
  };

  const input = (key: string, label: string, type: string) => {
    const err = errorFor(key);
    const f = CONTACT_FIELDS.find((x) => x.key === key)!;
    const id = `nc-${key}`;
    return (
      <div className="field" key={key}>
        <label htmlFor={id}>{label}{key === 'email' && ' (required)'}</label>
        {f.input === 'stage' ? (
          <select id={id} className="input" value={values[key] ?? ''} onChange={(e) => set(key, e.target.value)}>
            {STAGES.map((s) => <option key={s} value={s}>{STAGE_LABELS[s]}</option>)}
          </select>
        ) : f.input === 'owner' ? (
          <select id={id} className="input" value={values[key] ?? ''} onChange={(e) => set(key, e.target.value)}>
            <option value="">No owner</option>
            {users.map((u) => <option key={u.id} value={u.email}>{u.name || u.email}</option>)}
          </select>
        ) : (
          <input id={id} className={`input${err ? ' invalid' : ''}`} type={type} value={values[key] ?? ''}
            min={f.input === 'score' ? 0 : undefined} max={f.input === 'score' ? 100 : undefined}
            placeholder={f.input === 'tags' ? 'inbound, event attendee' : f.input === 'emails' ? 'a@example.com, b@example.com' : undefined}
            onChange={(e) => set(key, e.target.value)} aria-invalid={!!err} aria-describedby={err ? `${id}-err` : undefined}
            autoFocus={key === 'email'} />
        )}
        {err && (
          <div id={`${id}-err`} className="field-error" role="alert" data-testid={`error-${key}`}>
            {err.message}
            {err.code === 'duplicate' && err.existing_id && <> — <Link to={`/contacts/${err.existing_id}`}>open the existing contact</Link></>}
          </div>
        )}
      </div>
    );
  };

  return (
    <div className="page">
      <div className="crumbs"><Link to="/contacts">Contacts</Link> / New</div>
      <div className="page-head"><h1>New contact</h1></div>
      <form onSubmit={submit} noValidate style={{ display: 'flex', flexDirection: 'column', gap: 16 }} aria-label="New contact">
        {formError && <div className="alert" role="alert">{formError}</div>}
        {(Object.keys(SECTION_LABELS) as Array<keyof typeof SECTION_LABELS>).map((section) => (
          <section className="form-section" key={section} aria-labelledby={`sec-${section}`}>
            <h2 id={`sec-${section}`}>{SECTION_LABELS[section]}</h2>
            <div className="form-grid">
              {CONTACT_FIELDS.filter((f) => f.section === section).map((f) =>
                input(f.key, f.label, f.input === 'score' ? 'number' : f.input === 'email' ? 'email' : f.input === 'tel' ? 'tel' : 'text'))}
            </div>
          </section>
        ))}
        {customFields.length > 0 && (
          <section className="form-section" aria-labelledby="sec-custom">
            <h2 id="sec-custom">Custom fields</h2>
            <div className="form-grid">
              {customFields.map((f) => (
                <CustomInput key={f.id} field={f} value={custom[f.key ?? ''] ?? ''} error={errorFor(`custom.${f.key}`)?.message}
                  onChange={(v) => setCustom((s) => ({ ...s, [f.key ?? '']: v }))} />
              ))}
            </div>
          </section>
        )}
        <div className="form-actions">
          <Link to="/contacts" className="btn">Cancel</Link>
          <button className="btn primary" type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create contact'}</button>
        </div>
      </form>
    </div>
  );
}

export function CustomInput({ field, value, onChange, error, id: idIn }: { field: CustomField; value: string; onChange: (v: string) => void; error?: string; id?: string }) {
  const id = idIn ?? `cf-${field.key}`;
  const label = field.label || field.key;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {field.type === 'select' ? (
        <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          {(field.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      ) : field.type === 'boolean' ? (
        <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">—</option>
          <option value="true">Yes</option>
          <option value="false">No</option>
        </select>
      ) : (
        <input id={id} className={`input${error ? ' invalid' : ''}`} type={field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text'}
          value={value} onChange={(e) => onChange(e.target.value)} />
      )}
      {error && <div className="field-error" role="alert">{error}</div>}
    </div>
  );
}
