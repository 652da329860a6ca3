// The Export button: the view on screen (filter, search, sort, the table's columns or every
// field) downloads as CSV whose rows are exactly the filter's, in the view's order, and as a
// real .xlsx file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { screenshot, seedContacts, useRally } from './harness.mjs';

let rally;
let page;
useRally((e) => ({ rally, page } = e), {
  seed: async () => {
    await rally.api('POST', '/api/v1/custom-fields', { key: 'industry', label: 'Industry', type: 'text' });
    await seedContacts(rally, [
      { email: 'a@example.com', first_name: 'Ann', last_name: 'Smith, Jr.', tags: ['export'], lead_score: 40, custom: { industry: 'Retail' } },
      { email: 'b@example.com', first_name: 'Bo "B"', last_name: 'Ng', tags: ['export'], lead_score: 90 },
      { email: 'c@example.com', first_name: 'Cy', last_name: 'Old', tags: ['export'], lead_score: 70, lifecycle_stage: 'customer' },
      { email: 'other@example.com', first_name: 'Od', tags: ['other'], lead_score: 99 },
    ]);
  },
});

// RFC 4180 rows (quoted cells with "" and embedded commas or newlines).
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') cell += text[++i];
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

async function download(testId, allFields = false) {
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  if (allFields) await page.getByLabel('Every field (custom fields included)').check();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

test('CSV of the current view: the filter\'s rows in its order, the table\'s columns', async () => {
  await page.goto(rally.url + '/contacts?q=' + encodeURIComponent('tag:export -stage:customer') + '&sort=-lead_score&cols=name,email,lead_score');
  await page.getByTestId('contacts-count').getByText('2 contacts').waitFor();
  await screenshot(page, 'export-menu');
  const { name, bytes } = await download('export-csv');
  assert.match(name, /\.csv$/);
  const rows = parseCsv(bytes.toString('utf8'));
  assert.deepEqual(rows, [
    ['first_name', 'last_name', 'email', 'lead_score'],
    ['Bo "B"', 'Ng', 'b@example.com', '90'],
    ['Ann', 'Smith, Jr.', 'a@example.com', '40'],
  ]);
});

test('the search box narrows the export too; every field includes custom fields', async () => {
  await page.goto(rally.url + '/contacts?q=' + encodeURIComponent('tag:export') + '&s=Smith');
  await page.getByTestId('contacts-count').getByText('1 contact').waitFor();
  const { bytes } = await download('export-csv', true);
  const [header, ...rows] = parseCsv(bytes.toString('utf8'));
  assert.ok(header.includes('custom.industry'), header.join(','));
  assert.equal(rows.length, 1);
  assert.equal(rows[0][header.indexOf('email')], 'a@example.com');
  assert.equal(rows[0][header.indexOf('custom.industry')], 'Retail');
});

test('Excel of the current view is an .xlsx workbook', async () => {
  await page.goto(rally.url + '/contacts?q=' + encodeURIComponent('tag:export'));
  await page.getByTestId('contacts-count').getByText('3 contacts').waitFor();
  const { name, bytes } = await download('export-xlsx');
  assert.match(name, /\.xlsx$/);
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK'); // a zip package
  assert.ok(bytes.includes(Buffer.from('xl/worksheets/sheet1.xml')));
});
