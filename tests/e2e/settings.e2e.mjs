// Companies (list with counts, a record with its contacts) and Settings: tags renamed and merged
// change the contacts that carry them; an API token is shown once, works, and stops working
// once revoked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, seedContacts, useRally } from './harness.mjs';

let rally;
let page;
useRally((e) => ({ rally, page } = e), {
  seed: async () => {
    await seedContacts(rally, [
      { email: 'ann@acme.test', first_name: 'Ann', last_name: 'Acme', company: 'Acme Corp', tags: ['lead-gen'] },
      { email: 'bob@acme.test', first_name: 'Bob', last_name: 'Acme', company: 'Acme Corp', tags: ['lead-gen', 'old'] },
      { email: 'gia@globex.test', first_name: 'Gia', last_name: 'Globex', company: 'Globex', tags: ['leadgen'] },
    ]);
  },
  acceptDialogs: true, // the confirm() before a revoke or a delete
});

const emailsTagged = async (tag) =>
  (await rally.api('GET', '/api/v1/contacts?q=' + encodeURIComponent(`tag:${tag}`))).data.map((c) => c.email).sort();

test('companies: the list with contact counts, a record with its contacts', async () => {
  await page.getByRole('link', { name: 'Companies' }).click();
  await page.getByRole('heading', { name: 'Companies' }).waitFor();
  const acme = page.getByRole('row').filter({ hasText: 'Acme Corp' });
  await acme.waitFor();
  assert.match(await acme.innerText(), /\b2\b/);
  assert.match(await page.getByRole('row').filter({ hasText: 'Globex' }).innerText(), /\b1\b/);
  await page.getByRole('link', { name: 'Acme Corp' }).click();
  await page.getByRole('heading', { name: 'Acme Corp', level: 1 }).waitFor();
  const contacts = page.getByRole('region', { name: 'Contacts' });
  await contacts.getByText('bob@acme.test').waitFor();
  assert.deepEqual((await contacts.locator('tbody tr td:nth-child(2)').allInnerTexts()).sort(), ['ann@acme.test', 'bob@acme.test']);
  await screenshot(page, 'company-record');
});

test('tags: rename one, merge another into a third', async () => {
  await page.goto(rally.url + '/settings/tags');
  const table = page.getByRole('table', { name: 'Tags' });
  await table.getByRole('button', { name: 'Rename tag old' }).click();
  await table.getByRole('textbox', { name: 'Rename tag old' }).fill('archived');
  await table.getByRole('button', { name: 'Save' }).click();
  await table.getByRole('button', { name: 'Rename tag archived' }).waitFor();
  assert.deepEqual(await emailsTagged('archived'), ['bob@acme.test']);

  await table.getByRole('row').filter({ hasText: /^leadgen/ }).getByRole('button', { name: 'Merge…' }).click();
  await page.getByLabel('Merge into').selectOption({ label: 'lead-gen' });
  await table.getByRole('button', { name: 'Merge', exact: true }).click();
  await table.getByRole('button', { name: 'Rename tag leadgen' }).waitFor({ state: 'detached' });
  assert.match(await table.getByRole('row').filter({ hasText: 'lead-gen' }).innerText(), /\b3\b/);
  assert.deepEqual(await emailsTagged('lead-gen'), ['ann@acme.test', 'bob@acme.test', 'gia@globex.test']);
  await screenshot(page, 'settings-tags');
});

test('API tokens: created and shown once, usable, revoked', async () => {
  await page.goto(rally.url + '/settings/tokens');
  await page.getByLabel('Token name').fill('Nightly sync');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').innerText()).trim();
  assert.match(token, /^rly_/);
  const use = () => fetch(rally.url + '/api/v1/contacts/count', { headers: { Authorization: `Bearer ${token}` } });
  assert.equal((await use()).status, 200);
  await screenshot(page, 'settings-token-created');

  // Shown once: a reload lists the token by name only.
  await page.reload();
  const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: 'Nightly sync' });
  await row.waitFor();
  assert.equal(await page.getByTestId('new-token').count(), 0);
  assert.ok(!(await page.content()).includes(token));

  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await use()).status, 401);
});
