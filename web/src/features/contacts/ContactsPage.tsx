// The Contacts page: the saved views beside it (features/views/), search box, filter bar, the virtualized table and its footer count, the
// column chooser, and actions on selected rows. The whole view is in the URL (viewState.ts).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, errorMessage } from '../../api/client';
import type { Contact } from '../../api/generated/schema';
import { invalidate, useMeta } from '../../api/meta';
import { Link, navigate, useDocumentTitle, useLocation } from '../../app/router';
import { EmptyState, ErrorState, LoadingState, Popover, Spinner, Toast } from '../../ui/components';
import { formatCount } from '../../ui/format';
import { FilterBar } from '../filters/FilterBar';
import type { JobProgress } from '../jobs/jobs';
import { ViewsPanel } from '../views/ViewsPanel';
import { type BulkAction, describe, runBulk, type Selection, undoSelection } from './bulk';
import { BulkBar } from './BulkBar';
import { allColumns } from './columns';
import { ExportMenu } from './ExportMenu';
import { ContactTable } from './ContactTable';
import { useContactList } from './useContactList';
import { apiQuery, type ContactsView, viewFromQuery, viewToQuery } from './viewState';

const NONE: never[] = [];

export function ContactsPage() {
  useDocumentTitle('Contacts');
  const { query } = useLocation();
  const view = useMemo(() => viewFromQuery(query), [query.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  const setView = useCallback((patch: Partial<ContactsView>, replace = false) => {
    navigate(`/contacts${viewToQuery({ ...viewFromQuery(new URLSearchParams(window.location.search)), ...patch })}`, { replace });
  }, []);

  const customFields = useMeta('customFields');
  const tags = useMeta('tags');
  const users = useMeta('users');
  const columns = useMemo(() => {
    const all = allColumns(customFields);
    return view.cols.map((k) => all.find((c) => c.key === k)).filter((c): c is NonNullable<typeof c> => !!c);
  }, [customFields, view.cols]);

  const list = useContactList(apiQuery(view), view.sort);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  // "All N matching": the bulk action selects by the filter on the server, not by loaded ids.
  const [allMatching, setAllMatching] = useState(false);
  // "Select all loaded" stays on while more pages arrive (the table loads ahead as it scrolls):
  // rows loaded after the click join the selection, until a row is unticked by hand.
  const [allLoaded, setAllLoaded] = useState(false);
  const clearSelection = useCallback(() => {
    setSelected(new Set());
    setAllMatching(false);
    setAllLoaded(false);
  }, []);
  useEffect(clearSelection, [view.q, view.search, view.sort, clearSelection]);

  // The search box narrows as you type; the URL follows after a short pause.
  const [search, setSearch] = useState(view.search);
  useEffect(() => setSearch(view.search), [view.search]);
  useEffect(() => {
    if (search === view.search) return;
    const t = setTimeout(() => setView({ search }, true), 250);
    return () => clearTimeout(t);
  }, [search, view.search, setView]);

  // "/" focuses the search box from anywhere on the page but a text field.
  const searchRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === '/' && !e.metaKey && !e.ctrlKey && !/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) && !t.isContentEditable) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // The server names the bad term in the field error ("unknown field \"colour\" in ... at 0").
  const filterError = list.error instanceof ApiError && list.error.status === 400
    ? list.error.details[0]?.message ?? list.error.message
    : null;
  const [toast, setToast] = useState<{ message: string; undo?: () => void } | null>(null);

  const footer = (
    <>
      <span data-testid="contacts-count">
        {list.count === null ? (
          <><Spinner label="Counting" /> Counting…</>
        ) : list.count === 'unavailable' ? (
          `${formatCount(list.rows.length)}${list.done ? '' : '+'} loaded`
        ) : (
          `${formatCount(list.count)} contact${list.count === 1 ? '' : 's'}`
        )}
      </span>
      {list.count !== 'unavailable' && list.count !== null && <span>· {formatCount(list.rows.length)} loaded</span>}
      <span style={{ marginLeft: 'auto' }} className="subtle">
        <kbd>/</kbd> search · <kbd>↑</kbd><kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>Space</kbd> select
      </span>
    </>
  );

  const empty = list.loading ? (
    <LoadingState label="Loading contacts…" />
  ) : list.error && !filterError ? (
    <ErrorState message={errorMessage(list.error)} onRetry={list.reload} />
  ) : filterError ? (
    <EmptyState title="This filter could not be applied">Fix the filter text above.</EmptyState>
  ) : view.q || view.search ? (
    <EmptyState title="No contacts match">Try removing a filter or searching for something else.</EmptyState>
  ) : (
    <EmptyState title="No contacts yet">
      <Link to="/contacts/new">Create the first contact</Link>, import a file, or add them through the API.
    </EmptyState>
  );

  // Stable callbacks: the table's rows and the filter bar are memoized, so a page of rows
  // arriving while the table scrolls re-renders only what changed.
  const showMessage = useCallback((message: string) => setToast({ message }), []);
  const setFilter = useCallback((q: string) => setView({ q }), [setView]);
  const openContact = useCallback((c: Contact) => navigate(`/contacts/${c.id}`), []);
  const toggleRow = useCallback((id: string) => {
    setAllMatching(false); // a row chosen by hand: back to the chosen rows
    setAllLoaded(false);
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  }, []);

  useEffect(() => {
    if (!allLoaded) return;
    setSelected((s) => (list.rows.every((r) => s.has(r.id ?? '')) ? s : new Set([...s, ...list.rows.map((r) => r.id ?? '')])));
  }, [allLoaded, list.rows]);
  const allLoadedSelected = list.rows.length > 0 && (allLoaded || list.rows.every((r) => selected.has(r.id ?? '')));
  const moreMatch = typeof list.count === 'number' ? list.count > list.rows.length : !list.done;
  const [progress, setProgress] = useState<JobProgress | null>(null);

  const runAction = async (action: BulkAction) => {
    const selection: Selection = allMatching
      ? { kind: 'filter', q: apiQuery(view), count: typeof list.count === 'number' ? list.count : null }
      : { kind: 'ids', ids: [...selected] };
    setProgress(null);
    try {
      const result = await runBulk(selection, action, setProgress);
      clearSelection();
      if (action.type === 'add_tags' || action.type === 'remove_tags') invalidate('tags');
      const message = describe(action, result.counts);
      if (action.type === 'delete') {
        const undoWith = undoSelection(selection, result);
        setToast({
          message,
          undo: () => {
            setToast({ message: 'Restoring…' });
            runBulk(undoWith, { type: 'restore' }, setProgress)
              .then((r) => setToast({ message: describe({ type: 'restore' }, r.counts) }))
              .catch((e: unknown) => setToast({ message: errorMessage(e) }))
              .finally(() => {
                setProgress(null);
                list.reload();
              });
          },
        });
      } else {
        setToast({ message });
      }
      list.reload();
    } catch (e) {
      setToast({ message: errorMessage(e) });
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className="contacts-layout">
      <ViewsPanel current={view} onMessage={showMessage} />
      <div className="page" style={{ height: '100%' }}>
        <div className="page-head">
          <h1>Contacts</h1>
          <span className="spacer" />
          <ColumnChooser cols={view.cols} all={allColumns(customFields)} onChange={(cols) => setView({ cols })} />
          <ExportMenu view={view} count={typeof list.count === 'number' ? list.count : null} disabled={!!filterError} />
          <Link to="/contacts/new" className="btn primary" data-testid="new-contact">+ New contact</Link>
        </div>
        <div className="filter-row">
          <div className="search-box">
            <span className="icon" aria-hidden="true">⌕</span>
            <label htmlFor="contact-search" className="sr-only">Search contacts</label>
            <input id="contact-search" ref={searchRef} className="input" type="search" placeholder="Search name, email, company"
              value={search} onChange={(e) => setSearch(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown' || e.key === 'Enter') {
                  e.preventDefault();
                  document.querySelector<HTMLElement>('[data-testid="contacts-grid"]')?.focus();
                }
              }} />
            {!search && <kbd aria-hidden="true">/</kbd>}
          </div>
        </div>
        <FilterBar value={view.q} onChange={setFilter} customFields={customFields ?? NONE} tags={tags ?? NONE} users={users ?? NONE} error={filterError} />
        {(selected.size > 0 || allMatching) && (
          <BulkBar
            selectedCount={selected.size}
            allMatching={allMatching}
            matching={typeof list.count === 'number' ? list.count : null}
            canSelectAll={allLoadedSelected && moreMatch}
            onSelectAll={setAllMatching}
            onClear={clearSelection}
            onRun={runAction}
            progress={progress}
            tags={tags ?? []}
            users={users ?? []}
          />
        )}
        <ContactTable
          rows={list.rows}
          columns={columns}
          sort={view.sort}
          onSort={(sort) => setView({ sort })}
          onReorder={(from, to) => {
            const cols = view.cols.filter((c) => c !== from);
            cols.splice(cols.indexOf(to) + (view.cols.indexOf(from) < view.cols.indexOf(to) ? 1 : 0), 0, from);
            setView({ cols });
          }}
          onOpen={openContact}
          onNearEnd={list.loadMore}
          selected={selected}
          allSelected={allLoadedSelected}
          onToggle={toggleRow}
          onToggleAll={() => {
            setAllMatching(false);
            const on = !allLoadedSelected;
            setAllLoaded(on);
            setSelected(on ? new Set(list.rows.map((r) => r.id ?? '')) : new Set());
          }}
          footer={footer}
          emptyState={empty}
          loadingMore={list.loading && list.rows.length > 0}
        />
        {toast && <Toast message={toast.message} action={toast.undo ? 'Undo' : undefined} onAction={toast.undo} onDone={() => setToast(null)} ms={toast.undo ? 12000 : 6000} />}
      </div>
    </div>
  );
}

function ColumnChooser({ cols, all, onChange }: { cols: string[]; all: Array<{ key: string; label: string }>; onChange: (cols: string[]) => void }) {
  const [open, setOpen] = useState(false);
  const shown = cols.map((k) => all.find((c) => c.key === k)).filter((c): c is NonNullable<typeof c> => !!c);
  const hidden = all.filter((c) => !cols.includes(c.key));
  const move = (k: string, d: -1 | 1) => {
    const i = cols.indexOf(k);
    const j = i + d;
    if (j < 0 || j >= cols.length) return;
    const next = [...cols];
    [next[i], next[j]] = [next[j]!, next[i]!];
    onChange(next);
  };
  return (
    <Popover open={open} onClose={() => setOpen(false)} align="right" label="Columns" anchor={
      <button className="btn" onClick={() => setOpen(!open)} aria-expanded={open} aria-haspopup="dialog">Columns</button>}>
      <h3>Shown columns</h3>
      <div className="options">
        {shown.map((c, i) => (
          <div key={c.key} className="row">
            <label className="checkbox" style={{ flex: 1 }}>
              <input type="checkbox" checked disabled={cols.length === 1} onChange={() => onChange(cols.filter((k) => k !== c.key))} />
              {c.label}
            </label>
            <button className="btn small ghost" aria-label={`Move ${c.label} left`} disabled={i === 0} onClick={() => move(c.key, -1)}>↑</button>
            <button className="btn small ghost" aria-label={`Move ${c.label} right`} disabled={i === shown.length - 1} onClick={() => move(c.key, 1)}>↓</button>
          </div>
        ))}
      </div>
      {hidden.length > 0 && <h3>More columns</h3>}
      <div className="options">
        {hidden.map((c) => (
          <label key={c.key} className="checkbox">
            <input type="checkbox" checked={false} onChange={() => onChange([...cols, c.key])} />
            {c.label}
          </label>
        ))}
      </div>
    </Popover>
  );
}
