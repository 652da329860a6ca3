// Saved views in the Contacts side list: save the view on screen, open it (the URL names it and
// holds its filter, sort and columns), reload, save changes over it, rename, share, delete; a
// view another user shared appears under "Shared with the team".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, seedContacts, useRally, visibleEmails } from './harness.mjs';

let rally;
let page;
useRally((e) => ({ rally, page } = e), {
  seed: async () => {
    await seedContacts(rally, [
      { email: 'in1@example.com', tags: ['inbound'], lead_score: 30 },
      { email: 'in2@example.com', tags: ['inbound'], lead_score: 90 },
      { email: 'in3@example.com', tags: ['inbound'], lead_score: 60, lifecycle_stage: 'customer' },
      { email: 'ref@example.com', tags: ['referral'], lead_score: 50 },
      { email: 'none@example.com', lead_score: 10 },
    ]);
  },
});

const rowCount = (n) => page.waitForFunction((n) => document.querySelectorAll('[data-testid="contact-row"]').length === n, n);
const headers = () => page.locator('.grid-head .head-cell:not(.check)').allInnerTexts();
const panel = () => page.getByTestId('views-panel');

test('save the view on screen, open it from the list, and reload it', async () => {
  await page.goto(rally.url + '/contacts?q=' + encodeURIComponent('tag:inbound') + '&sort=-lead_score&cols=name,email,lead_score');
  await rowCount(3);
  await panel().getByRole('button', { name: 'Save view' }).click();
  await page.getByLabel('View name').fill('Inbound by score');
  await page.getByRole('dialog', { name: 'Save view' }).getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/[?&]view=\d+/);
  const id = new URL(page.url()).searchParams.get('view');
  await page.getByTestId('my-views').getByText('Inbound by score', { exact: true }).waitFor();
  const stored = await rally.api('GET', `/api/v1/views/${id}`);
  assert.equal(stored.visibility, 'private');
  assert.equal(stored.sort, '-lead_score');
  assert.deepEqual(stored.columns, ['name', 'email', 'lead_score']);
  assert.match(stored.q, /^tags?:inbound$/);

  // "All contacts" leaves the view; the saved one brings filter, sort and columns back.
  await panel().getByRole('button', { name: 'All contacts' }).click();
  await rowCount(5);
  assert.ok((await headers()).length > 3);
  await panel().getByRole('button', { name: 'Inbound by score', exact: true }).click();
  await page.waitForURL(new RegExp(`view=${id}`));
  await rowCount(3);
  assert.deepEqual(await visibleEmails(page), ['in2@example.com', 'in3@example.com', 'in1@example.com']);
  assert.deepEqual((await headers()).map((h) => h.replace(/[↑↓▲▼]/g, '').trim()), ['Name', 'Email', 'Lead score']);

  await page.reload();
  await rowCount(3);
  assert.deepEqual(await visibleEmails(page), ['in2@example.com', 'in3@example.com', 'in1@example.com']);
  await page.getByTestId('my-views').locator('[aria-current="true"]').getByText('Inbound by score').waitFor();
  assert.equal(await page.getByTestId('view-changed').count(), 0);
  await screenshot(page, 'views-open');
});

test('a changed view is saved over, renamed, shared, then deleted', async () => {
  const id = new URL(page.url()).searchParams.get('view');
  await page.getByLabel('Filter text').fill('tag:inbound -stage:customer');
  await page.getByLabel('Filter text').press('Enter');
  await rowCount(2);
  await page.getByTestId('view-changed').getByRole('button', { name: 'Save changes' }).click();
  await page.getByTestId('view-changed').waitFor({ state: 'detached' });
  const stored = await rally.api('GET', `/api/v1/views/${id}`);
  assert.match(stored.q, /customer/);

  await panel().getByRole('button', { name: 'Options for Inbound by score' }).click();
  await page.getByRole('menuitem', { name: 'Rename…' }).click();
  await page.getByLabel('New name').fill('Warm inbound');
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
  await page.getByTestId('my-views').getByText('Warm inbound', { exact: true }).waitFor();

  await panel().getByRole('button', { name: 'Options for Warm inbound' }).click();
  await page.getByRole('menuitem', { name: 'Share with the workspace' }).click();
  await page.getByTestId('my-views').getByText('shared', { exact: true }).waitFor();
  assert.equal((await rally.api('GET', `/api/v1/views/${id}`)).visibility, 'shared');

  await panel().getByRole('button', { name: 'Options for Warm inbound' }).click();
  await page.getByRole('menuitem', { name: 'Delete…' }).click();
  await page.getByRole('button', { name: 'Delete view' }).click();
  await page.getByTestId('my-views').getByText('Warm inbound', { exact: true }).waitFor({ state: 'detached' });
  assert.equal(new URL(page.url()).searchParams.get('view'), null);
  const left = await rally.api('GET', '/api/v1/views');
  assert.deepEqual(left.data, []);
});

test('a duplicate name is refused inline; a view another user shared is listed as shared', async () => {
  await rally.api('POST', '/api/v1/users', { email: 'bea@example.com', name: 'Bea', role: 'member', password: 'a-long-password-1' });
  const login = await fetch(rally.url + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'bea@example.com', password: 'a-long-password-1' }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const { csrf_token } = await login.json();
  const made = await fetch(rally.url + '/api/v1/views', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf_token },
    body: JSON.stringify({ name: 'Referrals', q: 'tag:referral', visibility: 'shared' }),
  });
  assert.equal(made.status, 201);
  await fetch(rally.url + '/api/v1/views', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf_token },
    body: JSON.stringify({ name: 'Bea private', q: 'tag:referral' }),
  });

  await page.goto(rally.url + '/contacts');
  await page.getByTestId('shared-views').getByText('Referrals').waitFor();
  assert.equal(await panel().getByText('Bea private').count(), 0);
  await page.getByTestId('shared-views').getByRole('button', { name: 'Referrals', exact: true }).click();
  await rowCount(1);
  assert.deepEqual(await visibleEmails(page), ['ref@example.com']);

  await panel().getByRole('button', { name: 'Save view' }).click();
  await page.getByLabel('View name').fill('referrals');
  await page.getByLabel('Share with the workspace').check();
  await page.getByRole('dialog', { name: 'Save view' }).getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('view-error').waitFor();
  assert.match(await page.getByTestId('view-error').innerText(), /taken/);
  await screenshot(page, 'views-shared');
});
