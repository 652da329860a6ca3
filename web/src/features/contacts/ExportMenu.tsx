// The Export button (issue 7): the view on screen (filter, search words, sort, and the table's
// columns or every field) as CSV or Excel, streamed by GET /api/v1/exports. A plain download
// link: the browser sends the session cookie and saves what the server streams (its
// Content-Disposition names the file), so a million-row export never passes through JavaScript.
import { useState } from 'react';
import { Popover } from '../../ui/components';
import { apiQuery, type ContactsView, exportColumns } from './viewState';

export function exportUrl(view: ContactsView, format: 'csv' | 'xlsx', allFields: boolean): string {
  const qs = new URLSearchParams();
  const q = apiQuery(view);
  if (q) qs.set('q', q);
  if (view.sort) qs.set('sort', view.sort);
  qs.set('columns', allFields ? 'all' : exportColumns(view.cols).join(','));
  qs.set('format', format);
  return `/api/v1/exports?${qs.toString()}`;
}

export function ExportMenu({ view, count, disabled }: { view: ContactsView; count: number | null; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const [allFields, setAllFields] = useState(false);
  const what = count === null ? 'the contacts in this view' : `${count.toLocaleString('en-US')} contact${count === 1 ? '' : 's'}`;
  return (
    <Popover open={open} onClose={() => setOpen(false)} align="right" label="Export" anchor={
      <button className="btn" onClick={() => setOpen(!open)} aria-expanded={open} aria-haspopup="dialog" disabled={disabled}
        title={disabled ? 'Fix the filter to export' : 'Download this view'}>Export</button>}>
      <h3>Export {what}</h3>
      <div className="subtle">With the filter{view.search ? ', the search' : ''} and the sort on screen.</div>
      <fieldset className="options plain">
        <legend className="sr-only">Columns</legend>
        <label className="checkbox"><input type="radio" name="export-cols" checked={!allFields} onChange={() => setAllFields(false)} /> The table's columns</label>
        <label className="checkbox"><input type="radio" name="export-cols" checked={allFields} onChange={() => setAllFields(true)} /> Every field (custom fields included)</label>
      </fieldset>
      <div className="row">
        <a className="btn primary small" href={exportUrl(view, 'csv', allFields)} download onClick={() => setOpen(false)} data-testid="export-csv">CSV</a>
        <a className="btn small" href={exportUrl(view, 'xlsx', allFields)} download onClick={() => setOpen(false)} data-testid="export-xlsx">Excel (.xlsx)</a>
      </div>
    </Popover>
  );
}
