// Bulk actions through POST /api/v1/contacts/bulk: on the chosen rows (answered inline), on
// "all N matching" past the server's inline limit of 1,000 (answered 202, followed through
// /api/v1/jobs/{id}), and delete with undo (the restore action) on both paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, seedContacts, useRally } from './harness.mjs';

const BIG = 1005; // past BulkActionService's default inline limit (1,000): the job path
let rally;
let page;
useRally((e) => ({ rally, page } = e), {
  seed: async () => {
    await seedContacts(rally, ['few1', 'few2', 'few3'].map((n) => ({ email: `${n}@example.com`, tags: ['few'] })));
    for (let start = 0; start < BIG; start += 500) {
      const items = [];
      for (let i = start; i < Math.min(BIG, start + 500); i++) items.push({ email: `big${i}@example.com`, tags: ['big'] });
      await seedContacts(rally, items);
    }
  },
});

const count = async (q) => (await rally.api('GET', '/api/v1/contacts/count?q=' + encodeURIComponent(q))).count;
const rowCount = (n) => page.waitForFunction((n) => document.querySelectorAll('[data-testid="contact-row"]').length === n, n);
const bar = () => page.getByTestId('bulk-bar');

async function addTag(tag) {
  await bar().getByRole('button', { name: 'Add tag' }).click();
  await page.getByRole('dialog', { name: 'Add a tag' }).getByLabel('Tag').fill(tag);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
}

test('tag and move the chosen rows (inline answer)', async () => {
  await page.goto(rally.url + '/contacts?q=' + encodeURIComponent('tag:few'));
  await rowCount(3);
  await page.getByLabel('Select all loaded contacts').check();
  assert.equal(await page.getByTestId('select-all-matching').count(), 0); // nothing more matches
  await addTag('vip');
  await page.getByRole('status').getByText('Tagged 3 contacts with “vip”').waitFor();
  assert.equal(await count('tag:few tag:vip'), 3);
  await page.getByRole('checkbox', { name: /few1@example.com/ }).check();
  await bar().getByRole('button', { name: 'Set stage' }).click();
  await page.getByRole('menuitem', { name: 'Customer' }).click();
  await page.getByRole('status').getByText('Moved 1 contact to Customer').waitFor();
  assert.equal(await count('stage:customer'), 1);
});

test('tag all N matching the filter: a job with progress', async () => {
  await page.goto(rally.url + '/contacts?q=' + encodeURIComponent('tag:big'));
  await page.getByTestId('contacts-count').getByText(`${BIG.toLocaleString('en-US')} contacts`).waitFor();
  await page.getByLabel('Select all loaded contacts').check();
  await page.getByTestId('select-all-matching').click();
  assert.equal(await page.getByTestId('bulk-count').innerText(), `All ${BIG.toLocaleString('en-US')} contacts selected`);
  const jobAnswer = page.waitForResponse((r) => r.url().endsWith('/api/v1/contacts/bulk') && r.status() === 202);
  await addTag('wave');
  await jobAnswer;
  await page.getByRole('status').getByText(`Tagged ${BIG.toLocaleString('en-US')} contacts with “wave”`).waitFor();
  await screenshot(page, 'bulk-job-tagged');
  assert.equal(await count('tag:wave'), BIG);
  assert.equal(await count('tag:few tag:wave'), 0);
});

test('delete the chosen rows, then undo', async () => {
  await page.goto(rally.url + '/contacts?q=' + encodeURIComponent('tag:few'));
  await rowCount(3);
  await page.getByLabel('Select all loaded contacts').check();
  await bar().getByRole('button', { name: 'Delete' }).click();
  await page.getByTestId('confirm-delete').click();
  await page.getByRole('status').getByText('Deleted 3 contacts').waitFor();
  await page.getByTestId('contacts-count').getByText('0 contacts').waitFor();
  assert.equal(await count('tag:few'), 0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('status').getByText('Restored 3 contacts').waitFor();
  await rowCount(3);
  assert.equal(await count('tag:few'), 3);
});

test('delete all N matching (a job), then undo (a restore job)', async () => {
  await page.goto(rally.url + '/contacts?q=' + encodeURIComponent('tag:big'));
  await page.getByTestId('contacts-count').getByText(`${BIG.toLocaleString('en-US')} contacts`).waitFor();
  await page.getByLabel('Select all loaded contacts').check();
  await page.getByTestId('select-all-matching').click();
  await bar().getByRole('button', { name: 'Delete' }).click();
  await page.getByTestId('confirm-delete').click();
  await page.getByRole('status').getByText(`Deleted ${BIG.toLocaleString('en-US')} contacts`).waitFor();
  assert.equal(await count('tag:big'), 0);
  assert.equal(await count('tag:few'), 3); // nothing outside the filter
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('status').getByText(`Restored ${BIG.toLocaleString('en-US')} contacts`).waitFor();
  await page.getByTestId('contacts-count').getByText(`${BIG.toLocaleString('en-US')} contacts`).waitFor();
  assert.equal(await count('tag:big'), BIG);
  await screenshot(page, 'bulk-undo-restored');
});
