// The URL form of a contacts view, with the saved view it came from, and what the Export
// button asks for.
import { describe, expect, test } from 'vitest';
import { exportUrl } from './ExportMenu';
import { DEFAULT_COLUMNS, exportColumns, viewFromQuery, viewToQuery } from './viewState';

describe('view URL', () => {
  const cases = [
    { view: { q: 'tag:inbound', search: '', sort: '-lead_score', cols: ['name', 'email'], view: '42' }, url: '?view=42&q=tag%3Ainbound&sort=-lead_score&cols=name%2Cemail' },
    { view: { q: '', search: '', sort: '', cols: DEFAULT_COLUMNS, view: '' }, url: '' },
  ];
  for (const c of cases) {
    test(c.url || '(empty)', () => {
      expect(viewToQuery(c.view)).toBe(c.url);
      expect(viewFromQuery(new URLSearchParams(c.url))).toEqual(c.view);
    });
  }
});

describe('export', () => {
  test('the Name column exports as first and last name', () => {
    expect(exportColumns(['name', 'email', 'custom.industry'])).toEqual(['first_name', 'last_name', 'email', 'custom.industry']);
  });
  test('the URL carries the filter with the search words, the sort, the columns and the format', () => {
    const url = exportUrl({ q: 'stage:lead', search: 'ada smith', sort: 'last_name', cols: ['name', 'lead_score'], view: '7' }, 'csv', false);
    const qs = new URL(url, 'http://x').searchParams;
    expect(qs.get('q')).toBe('stage:lead ada smith');
    expect(qs.get('sort')).toBe('last_name');
    expect(qs.get('columns')).toBe('first_name,last_name,lead_score');
    expect(qs.get('format')).toBe('csv');
    expect(new URL(exportUrl({ q: '', search: '', sort: '', cols: ['email'], view: '' }, 'xlsx', true), 'http://x').search).toBe('?columns=all&format=xlsx');
  });
});
