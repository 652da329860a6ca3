// Settings -> Import Data: the template downloads; a CSV with headers from another CRM uploads,
// maps by suggestion, dry-runs (one bad row reported, nothing written), imports as a job, ends
// in a summary whose rejected-rows file holds the bad row; the history reverts the import.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { screenshot, useRally } from './harness.mjs';

let rally;
let page;
useRally((e) => ({ rally, page } = e), {
  acceptDialogs: true, // the revert's confirm()
});

const CSV = [
  'E-mail Address,Given Name,Family Name,Labels',
  'ada@import.test,Ada,Lovelace,vip',
  'not-an-email,Bad,Row,vip',
  'grace@import.test,Grace,Hopper,vip',
  '',
].join('\r\n');
const count = async (q) => (await rally.api('GET', '/api/v1/contacts/count?q=' + encodeURIComponent(q))).count;
const countsOf = async (testId) => {
  const text = await page.getByTestId(testId).innerText();
  const n = (label) => Number(new RegExp(`${label}\\s+([\\d,]+)`, 'i').exec(text)?.[1].replace(/,/g, ''));
  return { created: n('created'), updated: n('updated'), rejected: n('rejected') };
};

test('import wizard: template, upload, suggested mapping, dry run, import, error file, revert', async () => {
  await page.goto(rally.url + '/settings/import');
  const [template] = await Promise.all([page.waitForEvent('download'), page.getByTestId('template-csv').click()]);
  assert.match(readFileSync(await template.path(), 'utf8').split(/\r?\n/)[0], /\bemail\b/);

  await page.setInputFiles('#import-file', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  const mapping = page.getByRole('table', { name: 'Column mapping' });
  await mapping.waitFor();
  assert.equal(await page.getByLabel('Field for E-mail Address').inputValue(), 'email');
  assert.equal(await page.getByLabel('Field for Given Name').inputValue(), 'first_name');
  assert.equal(await page.getByLabel('Field for Family Name').inputValue(), 'last_name');
  await page.getByLabel('Field for Labels').selectOption('tags');
  await page.getByLabel('Tags for every imported contact').fill('from-wizard');

  await page.getByRole('button', { name: 'Dry run' }).click();
  await page.getByTestId('dry-run').waitFor();
  assert.deepEqual(await countsOf('dry-run-counts'), { created: 2, updated: 0, rejected: 1 });
  const rejected = page.getByRole('table', { name: 'Rejected rows' });
  assert.match(await rejected.innerText(), /\b3\b[\s\S]*email/i);
  assert.equal(await count(''), 0); // a dry run writes nothing
  await screenshot(page, 'import-dry-run');

  await page.getByRole('button', { name: 'Start import' }).click();
  await page.getByTestId('import-summary').waitFor();
  assert.deepEqual(await countsOf('summary-counts'), { created: 2, updated: 0, rejected: 1 });
  assert.equal(await count('tag:vip tag:from-wizard'), 2);
  const [errors] = await Promise.all([page.waitForEvent('download'), page.getByTestId('errors-file').click()]);
  const errorLines = readFileSync(await errors.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(errorLines.length, 2, errorLines.join('\n'));
  assert.match(errorLines[0], /error/);
  assert.match(errorLines[1], /^not-an-email,Bad,Row,vip,/);
  await screenshot(page, 'import-summary');

  const history = page.getByRole('table', { name: 'Imports' });
  const row = history.getByRole('row').filter({ hasText: 'people.csv' });
  await row.getByRole('button', { name: 'Revert' }).click();
  await page.getByTestId('revert-message').getByText(/2 deleted/).waitFor();
  assert.equal(await count(''), 0);
  await row.getByText('reverted').waitFor();
});
