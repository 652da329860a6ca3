// A contact's activity timeline, newest first: each entry type with its icon and a sentence a
// person reads ("Stage changed from Lead to Qualified by Ada Lovelace"), a filter by type,
// more entries as the list scrolls to its end (keyset cursor), and a box to add a note.
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { Activity } from '../../api/generated/schema';
import { EmptyState, ErrorState, Spinner } from '../../ui/components';
import { formatDateTime, relativeTime, STAGE_LABELS, type Stage } from '../../ui/format';
import { CONTACT_FIELDS } from './contactFields';

type ActivityType = NonNullable<Activity['type']>;

// Glyphs from the fonts every system has (emoji fonts are often missing on Linux).
const ICONS: Record<ActivityType, string> = {
  email_sent: '✉', email_received: '✉', email_opened: '◉', link_clicked: '⇗', call: '☎', meeting: '◷',
  note: '✎', form_submitted: '☑', deal_stage_changed: '$', lifecycle_changed: '⇢', field_updated: '✎',
  tag_added: '⚑', tag_removed: '⚐', contact_created: '★', contacts_merged: '⇄', contact_deleted: '✕', contact_restored: '↺',
};

const FILTERS: Array<{ value: ActivityType | ''; label: string }> = [
  { value: '', label: 'All activity' },
  { value: 'note', label: 'Notes' },
  { value: 'call', label: 'Calls' },
  { value: 'meeting', label: 'Meetings' },
  { value: 'email_sent', label: 'Emails sent' },
  { value: 'email_received', label: 'Emails received' },
  { value: 'lifecycle_changed', label: 'Stage changes' },
  { value: 'field_updated', label: 'Field updates' },
  { value: 'tag_added', label: 'Tags added' },
  { value: 'tag_removed', label: 'Tags removed' },
  { value: 'deal_stage_changed', label: 'Deal stages' },
];

const fieldLabel = (key: string) =>
  CONTACT_FIELDS.find((f) => f.key === key)?.label ?? (key.startsWith('custom.') ? key.slice(7) : key.replace(/_/g, ' '));

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map(show).join(', ') : '—';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return String(o.name ?? o.email ?? JSON.stringify(o));
  }
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  return String(v);
}
const stage = (v: unknown) => STAGE_LABELS[v as Stage] ?? show(v);

function actorText(a: Activity): string {
  const actor = a.actor;
  if (!actor) return '';
  switch (actor.type) {
    case 'import': return ` by import${actor.id ? ` #${actor.id}` : ''}`;
    case 'workflow': return ` by workflow ${actor.name ?? ''}`.trimEnd();
    case 'email_sync': return ' by email sync';
    case 'system': return ' by Rally';
    case 'api_token': return ` by API token ${actor.name ?? ''}`.trimEnd();
    default: return actor.name ? ` by ${actor.name}` : '';
  }
}

// The entry as a sentence; exported for reuse by other timelines (companies, deals later).
export function describeActivity(a: Activity): string {
  const p = (a.payload ?? {}) as Record<string, unknown>;
  const by = actorText(a);
  switch (a.type) {
    case 'contact_created': return `Contact created${by}`;
    case 'contact_deleted': return `Contact deleted${by}`;
    case 'contact_restored': return `Contact restored${by}`;
    case 'contacts_merged': return `Contacts merged${by}`;
    case 'lifecycle_changed': return `Stage changed from ${stage(p.from)} to ${stage(p.to)}${by}`;
    case 'field_updated': return `${fieldLabel(String(p.field ?? 'A field'))} changed from ${show(p.from)} to ${show(p.to)}${by}`;
    case 'tag_added': return `Tag “${show(p.tag)}” added${by}`;
    case 'tag_removed': return `Tag “${show(p.tag)}” removed${by}`;
    case 'note': return `Note${by}`;
    case 'call': {
      const mins = typeof p.duration_s === 'number' ? `, ${Math.max(1, Math.round(p.duration_s / 60))} min` : '';
      return `${p.direction === 'inbound' ? 'Inbound' : 'Outbound'} call${p.outcome ? ` (${show(p.outcome)}${mins})` : mins ? ` (${mins.slice(2)})` : ''}${by}`;
    }
    case 'meeting': return `Meeting${p.title ? ` “${show(p.title)}”` : ''} ${show(p.status ?? 'scheduled').replace('_', ' ')}${by}`;
    case 'email_sent': return `Email sent${p.subject ? `: ${show(p.subject)}` : ''}${by}`;
    case 'email_received': return `Email received${p.subject ? `: ${show(p.subject)}` : ''}`;
    case 'email_opened': return `Email opened${p.subject ? `: ${show(p.subject)}` : ''}`;
    case 'link_clicked': return `Link clicked${p.url ? `: ${show(p.url)}` : ''}`;
    case 'form_submitted': return `Form submitted${p.form ? `: ${show(p.form)}` : ''}`;
    case 'deal_stage_changed': return `Deal ${p.deal ? `“${show(p.deal)}” ` : ''}moved from ${show(p.from)} to ${show(p.to)}${by}`;
    default: return `${a.type ?? 'Activity'}${by}`;
  }
}

export function Timeline({ contactId, version, onNoteAdded }: { contactId: string; version: number; onNoteAdded: () => void }) {
  const [type, setType] = useState<ActivityType | ''>('');
  const [items, setItems] = useState<Activity[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const gen = useRef(0);
  const sentinel = useRef<HTMLDivElement>(null);

  const loadPage = useCallback((after: string | null, g: number) => {
    setLoading(true);
    api('get', '/api/v1/contacts/{id}/timeline', { path: { id: contactId }, query: { limit: 30, cursor: after ?? undefined, type: type || undefined } })
      .then((page) => {
        if (g !== gen.current) return;
        setItems((prev) => (after ? [...prev, ...page.data] : page.data));
        setCursor(page.next_cursor);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (g !== gen.current) return;
        setError(e);
        setLoading(false);
      });
  }, [contactId, type]);

  useEffect(() => {
    const g = ++gen.current;
    setError(null);
    setCursor(null);
    loadPage(null, g);
  }, [loadPage, version]);

  // Infinite scroll: the next page when the end of the list comes into view.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !cursor) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && !loading && cursor) loadPage(cursor, gen.current);
    });
    io.observe(el);
    return () => io.disconnect();
  }, [cursor, loading, loadPage]);

  return (
    <section className="card" aria-labelledby="timeline-title">
      <div className="row" style={{ marginBottom: 12 }}>
        <h2 id="timeline-title" style={{ margin: 0, flex: 1 }}>Activity</h2>
        <label htmlFor="timeline-type" className="sr-only">Show</label>
        <select id="timeline-type" className="input" style={{ flex: 'none', width: 180 }} value={type} onChange={(e) => setType(e.target.value as ActivityType | '')}>
          {FILTERS.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}
        </select>
      </div>
      <NoteBox contactId={contactId} onAdded={onNoteAdded} />
      <div className="timeline" data-testid="timeline">
        {items.map((a) => {
          const p = (a.payload ?? {}) as Record<string, unknown>;
          return (
            <article className="tl-item" key={a.id} data-type={a.type}>
              <div className="tl-icon" aria-hidden="true">{ICONS[a.type as ActivityType] ?? '•'}</div>
              <div>
                <div>{describeActivity(a)}</div>
                <time className="tl-when" dateTime={a.occurred_at} title={formatDateTime(a.occurred_at)}>{relativeTime(a.occurred_at)}</time>
                {typeof p.body === 'string' && p.body && <div className="tl-body">{p.body}</div>}
              </div>
            </article>
          );
        })}
        {!loading && !error && items.length === 0 && <EmptyState title="No activity yet">{type ? 'Nothing of this type.' : 'Changes, notes, calls and emails show up here.'}</EmptyState>}
        {error !== null && <ErrorState message={errorMessage(error)} onRetry={() => loadPage(null, ++gen.current)} />}
        {loading && <div className="state"><Spinner /></div>}
        <div ref={sentinel} style={{ height: 1 }} />
      </div>
    </section>
  );
}

function NoteBox({ contactId, onAdded }: { contactId: string; onAdded: () => void }) {
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return;
    setBusy(true);
    try {
      await api('post', '/api/v1/contacts/{id}/activities', { path: { id: contactId }, body: { type: 'note', body: body.trim() } });
      setBody('');
      setError(null);
      onAdded();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} style={{ display: 'flex', flexDirection: 'column', gap: 8, marginBottom: 8 }}>
      <label htmlFor="note-body" className="sr-only">Add a note</label>
      <textarea id="note-body" className="input" placeholder="Add a note…" value={body} onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void submit(e);
        }} />
      {error && <div className="field-error" role="alert">{error}</div>}
      <div className="form-actions"><button className="btn primary small" type="submit" disabled={busy || !body.trim()}>Add note</button></div>
    </form>
  );
}
