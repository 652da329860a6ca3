// The contacts view (filter, search, sort, columns) lives in the URL, so a view can be shared,
// bookmarked and reloaded: /contacts?q=tag:inbound+stage:lead&s=ada&sort=-lead_score&cols=name,email
// `view` names the saved view it was opened from (features/views/): the other parameters still
// hold the whole view, so a changed view shows as changed and a link works for anyone.
import { quoteValue } from '../filters/filterModel';

export type ContactsView = {
  q: string; // the filter bar's text (DESIGN.md §4)
  search: string; // the search box; sent as bare words after the filter
  sort: string; // the API's sort parameter: "-lead_score", "last_name"; "" = server default (newest first)
  cols: string[]; // column keys in display order
  view: string; // the saved view's id it was opened from; "" = none
};

export const DEFAULT_COLUMNS = ['name', 'email', 'company', 'lifecycle_stage', 'lead_score', 'tags', 'owner', 'updated_at'];

export function viewFromQuery(query: URLSearchParams): ContactsView {
  const cols = (query.get('cols') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  return {
    q: query.get('q') ?? '',
    search: query.get('s') ?? '',
    sort: query.get('sort') ?? '',
    cols: cols.length > 0 ? cols : DEFAULT_COLUMNS,
    view: query.get('view') ?? '',
  };
}

export function viewToQuery(view: ContactsView): string {
  const qs = new URLSearchParams();
  if (view.view) qs.set('view', view.view);
  if (view.q.trim()) qs.set('q', view.q.trim());
  if (view.search.trim()) qs.set('s', view.search);
  if (view.sort) qs.set('sort', view.sort);
  if (view.cols.join(',') !== DEFAULT_COLUMNS.join(',')) qs.set('cols', view.cols.join(','));
  const s = qs.toString();
  return s ? `?${s}` : '';
}

// The q= the API gets: the filter, then each search word (bare words search name, email and
// company).
export function apiQuery(view: ContactsView): string {
  const words = view.search.trim().split(/\s+/).filter(Boolean).map(quoteValue);
  return [view.q.trim(), ...words].filter(Boolean).join(' ');
}

// The export's columns for the table's (export_service.h keys): the Name column is the first
// and last name; the rest are already field keys.
export function exportColumns(cols: string[]): string[] {
  return cols.flatMap((c) => (c === 'name' ? ['first_name', 'last_name'] : [c]));
}
