// Saved views beside the contacts table (GET/POST /api/v1/views, PATCH/DELETE /views/{id}):
// "All contacts", the user's own views and the views others shared. Opening a view puts its
// filter, sort and columns in the URL with its id (contacts/viewState.ts), so the table and the
// URL agree; a view whose URL was changed since shows "changed" and can be saved over. The
// server decides who may change what (owner, or an admin for a shared view) and checks names;
// the panel only hides buttons that would be refused.
import { type FormEvent, useState } from 'react';
import { api, ApiError, errorMessage } from '../../api/client';
import type { SavedView } from '../../api/generated/schema';
import { navigate } from '../../app/router';
import { useMe } from '../../app/session';
import { Popover, Spinner, useAsync } from '../../ui/components';
import { apiQuery, type ContactsView, DEFAULT_COLUMNS, viewToQuery } from '../contacts/viewState';

// The URL of a saved view: its canonical filter text, sort and columns, and its id.
export function savedViewUrl(v: SavedView): string {
  return `/contacts${viewToQuery({ q: v.q ?? '', search: '', sort: v.sort, cols: v.columns.length > 0 ? v.columns : DEFAULT_COLUMNS, view: v.id })}`;
}

// What would be saved for the view on screen (the search words join the filter).
function viewBody(current: ContactsView) {
  return { q: apiQuery(current), sort: current.sort, columns: current.cols };
}

function sameView(v: SavedView, current: ContactsView): boolean {
  const cols = v.columns.length > 0 ? v.columns : DEFAULT_COLUMNS;
  return (v.q ?? '') === apiQuery(current) && v.sort === current.sort && cols.join(',') === current.cols.join(',');
}

export function ViewsPanel({ current, onMessage }: { current: ContactsView; onMessage: (m: string) => void }) {
  const me = useMe();
  const list = useAsync((signal) => api('get', '/api/v1/views', { signal }), []);
  const views = list.data?.data ?? [];
  const mine = views.filter((v) => v.owner_id === me.user.id);
  const shared = views.filter((v) => v.owner_id !== me.user.id);
  const active = views.find((v) => v.id === current.view);
  const canChange = (v: SavedView) => v.owner_id === me.user.id || (me.role === 'admin' && v.visibility === 'shared');
  const changed = active ? !sameView(active, current) : false;

  const open = (v: SavedView) => {
    if (v.q === null) {
      onMessage(`“${v.name}” names a custom field that was deleted; it cannot be opened.`);
      return;
    }
    navigate(savedViewUrl(v));
  };
  // After a save the server's canonical filter text replaces what was typed, so the view on
  // screen and the stored one compare equal.
  const saved = (v: SavedView) => {
    // The answer replaces the listed view at once (no "changed" flash while the list reloads).
    if (list.data) list.setData({ ...list.data, data: [...list.data.data.filter((x) => x.id !== v.id), v] });
    list.reload();
    navigate(savedViewUrl(v), { replace: true });
  };

  const saveChanges = async () => {
    if (!active) return;
    try {
      saved(await api('patch', '/api/v1/views/{id}', { path: { id: active.id }, body: viewBody(current) }));
      onMessage(`Saved “${active.name}”`);
    } catch (e) {
      onMessage(errorMessage(e));
    }
  };

  const item = (v: SavedView) => (
    <li key={v.id} className={`view-item${v.id === current.view ? ' active' : ''}`} data-testid="saved-view">
      <button className="view-open" onClick={() => open(v)} aria-current={v.id === current.view ? 'true' : undefined} title={v.q ?? 'Names a deleted custom field'}>
        <span className="view-name">{v.name}</span>
        {v.q === null && <span className="badge danger" aria-label="broken">!</span>}
        {v.visibility === 'shared' && v.owner_id === me.user.id && <span className="badge">shared</span>}
      </button>
      {canChange(v) && <ViewMenu view={v} onChanged={(nv) => {
        if (nv && nv.id === current.view) saved(nv);
        else list.reload();
      }} onDeleted={() => {
        list.reload();
        onMessage(`Deleted view “${v.name}”`);
        if (v.id === current.view) navigate(`/contacts${viewToQuery({ ...current, view: '' })}`, { replace: true });
      }} onMessage={onMessage} />}
    </li>
  );

  return (
    <aside className="views-panel" aria-label="Saved views" data-testid="views-panel">
      <div className="views-head">
        <h2>Views</h2>
        <SaveViewButton current={current} onSaved={(v) => {
          saved(v);
          onMessage(`Saved view “${v.name}”`);
        }} />
      </div>
      <ul className="view-list">
        <li className={`view-item${!current.view ? ' active' : ''}`}>
          <button className="view-open" onClick={() => navigate('/contacts')} aria-current={!current.view ? 'true' : undefined}>
            <span className="view-name">All contacts</span>
          </button>
        </li>
      </ul>
      {list.loading && !list.data && <div className="subtle"><Spinner label="Loading views" /></div>}
      {list.error !== undefined && <div className="field-error" role="alert">{errorMessage(list.error)} <button className="btn small ghost" onClick={list.reload}>Retry</button></div>}
      <h3 className="views-group">My views</h3>
      {mine.length === 0 && list.data && <div className="subtle views-empty">Save the filter, sort and columns you use often.</div>}
      <ul className="view-list" data-testid="my-views">{mine.map(item)}</ul>
      <h3 className="views-group">Shared with the team</h3>
      {shared.length === 0 && list.data && <div className="subtle views-empty">Views others share appear here.</div>}
      <ul className="view-list" data-testid="shared-views">{shared.map(item)}</ul>
      {active && changed && canChange(active) && (
        <div className="view-changed" data-testid="view-changed">
          <span>“{active.name}” changed</span>
          <button className="btn small primary" onClick={() => void saveChanges()}>Save changes</button>
        </div>
      )}
    </aside>
  );
}

function SaveViewButton({ current, onSaved }: { current: ContactsView; onSaved: (v: SavedView) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [share, setShare] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const v = await api('post', '/api/v1/views', { body: { name, visibility: share ? 'shared' : 'private', ...viewBody(current) } });
      setOpen(false);
      setName('');
      setShare(false);
      onSaved(v);
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldError('name')?.message ?? err.details[0]?.message ?? err.message) : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popover open={open} onClose={() => setOpen(false)} label="Save view" anchor={
      <button className="btn small" onClick={() => setOpen(!open)} aria-expanded={open} aria-haspopup="dialog">Save view</button>}>
      <form onSubmit={(e) => void submit(e)} className="field-stack">
        <div className="field">
          <label htmlFor="view-name">View name</label>
          <input id="view-name" className={`input${error ? ' invalid' : ''}`} value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={100} />
          {error && <div className="field-error" role="alert" data-testid="view-error">{error}</div>}
        </div>
        <label className="checkbox"><input type="checkbox" checked={share} onChange={(e) => setShare(e.target.checked)} /> Share with the workspace</label>
        <div className="subtle">Saves the filter{current.search ? ' and search' : ''}, the sort and the columns.</div>
        <div className="form-actions"><button className="btn primary small" type="submit" disabled={busy || !name.trim()}>Save</button></div>
      </form>
    </Popover>
  );
}

function ViewMenu({ view, onChanged, onDeleted, onMessage }: {
  view: SavedView; onChanged: (v: SavedView | null) => void; onDeleted: () => void; onMessage: (m: string) => void;
}) {
  const [mode, setMode] = useState<'menu' | 'rename' | 'delete' | null>(null);
  const [name, setName] = useState(view.name);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setMode(null);
    setError(null);
  };
  const patch = async (body: { name?: string; visibility?: 'private' | 'shared' }) => {
    try {
      const v = await api('patch', '/api/v1/views/{id}', { path: { id: view.id }, body });
      close();
      onChanged(v);
    } catch (e) {
      if (mode === 'rename' && e instanceof ApiError) setError(e.fieldError('name')?.message ?? e.message);
      else {
        close();
        onMessage(errorMessage(e));
      }
    }
  };
  const remove = async () => {
    try {
      await api('delete', '/api/v1/views/{id}', { path: { id: view.id } });
      close();
      onDeleted();
    } catch (e) {
      close();
      onMessage(errorMessage(e));
    }
  };
  return (
    <Popover open={mode !== null} onClose={close} align="right" label={`View ${view.name}`} anchor={
      <button className="btn small ghost view-more" aria-label={`Options for ${view.name}`} onClick={() => setMode(mode ? null : 'menu')}>⋯</button>}>
      {mode === 'menu' && (
        <div className="menu" role="menu">
          <button role="menuitem" onClick={() => { setName(view.name); setMode('rename'); }}>Rename…</button>
          <button role="menuitem" onClick={() => void patch({ visibility: view.visibility === 'shared' ? 'private' : 'shared' })}>
            {view.visibility === 'shared' ? 'Make private' : 'Share with the workspace'}
          </button>
          <button role="menuitem" className="danger-text" onClick={() => setMode('delete')}>Delete…</button>
        </div>
      )}
      {mode === 'rename' && (
        <form className="field-stack" onSubmit={(e) => { e.preventDefault(); void patch({ name }); }}>
          <div className="field">
            <label htmlFor={`rename-${view.id}`}>New name</label>
            <input id={`rename-${view.id}`} className={`input${error ? ' invalid' : ''}`} value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={100} />
            {error && <div className="field-error" role="alert">{error}</div>}
          </div>
          <div className="form-actions"><button className="btn primary small" type="submit" disabled={!name.trim()}>Rename</button></div>
        </form>
      )}
      {mode === 'delete' && (
        <div className="field-stack">
          <div>Delete the view “{view.name}”{view.visibility === 'shared' ? ' for everyone' : ''}? Its contacts stay.</div>
          <div className="form-actions">
            <button className="btn small" onClick={close}>Cancel</button>
            <button className="btn small danger" onClick={() => void remove()}>Delete view</button>
          </div>
        </div>
      )}
    </Popover>
  );
}
