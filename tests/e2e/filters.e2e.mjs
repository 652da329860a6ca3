// The filter bar against the real filter language: chips for tag + stage + score range show
// exactly the matching rows, the view survives a reload, a custom field made in Settings is
// filterable, and bulk-tagging the selected rows (POST /contacts/bulk).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, seedContacts, useRally, visibleEmails } from './harness.mjs';

let rally;
let page;
useRally((e) => ({ rally, page } = e), {
  seed: async () => {
    await seedContacts(rally, [
      { email: 'match1@example.com', tags: ['inbound'], lifecycle_stage: 'qualified', lead_score: 60 },
      { email: 'match2@example.com', tags: ['inbound', 'vip'], lifecycle_stage: 'opportunity', lead_score: 80 },
      { email: 'wrongtag@example.com', tags: ['referral'], lifecycle_stage: 'qualified', lead_score: 70 },
      { email: 'wrongstage@example.com', tags: ['inbound'], lifecycle_stage: 'lead', lead_score: 70 },
      { email: 'lowscore@example.com', tags: ['inbound'], lifecycle_stage: 'qualified', lead_score: 20 },
      { email: 'highscore@example.com', tags: ['inbound'], lifecycle_stage: 'opportunity', lead_score: 95 },
    ]);
  },
});

const sorted = (xs) => [...xs].sort();

async function addChip(fieldName, fill) {
  await page.getByRole('button', { name: '+ Add filter' }).click();
  await page.getByRole('menuitem', { name: fieldName, exact: true }).click();
  await fill(page.getByRole('dialog', { name: 'Add a filter' }));
  await page.getByRole('button', { name: 'Apply' }).click();
}

test('tag + stage + score range chips show exactly the matching rows; reload keeps the view', async () => {
  await addChip('Tag', (d) => d.getByLabel('inbound').check());
  await page.waitForURL(/q=tag%3Ainbound/);
  await addChip('Lifecycle stage', async (d) => {
    await d.getByLabel('Qualified').check();
    await d.getByLabel('Opportunity').check();
  });
  await addChip('Lead score', async (d) => {
    await d.getByLabel('Min').fill('50');
    await d.getByLabel('Max').fill('90');
  });
  assert.equal(await page.getByLabel('Filter text').inputValue(), 'tag:inbound stage:qualified,opportunity score:50..90');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 2);
  assert.deepEqual(sorted(await visibleEmails(page)), ['match1@example.com', 'match2@example.com']);
  assert.equal(await page.getByTestId('filter-chip').count(), 3);
  await screenshot(page, 'filters-chips');

  // Sort too, then reload: filter, sort and rows come back from the URL.
  await page.getByRole('button', { name: 'Sort by Lead score' }).click();
  await page.waitForURL(/sort=-lead_score/);
  await page.reload();
  await page.getByTestId('contact-row').first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 2);
  assert.deepEqual(await visibleEmails(page), ['match2@example.com', 'match1@example.com']);
  assert.equal(await page.getByLabel('Filter text').inputValue(), 'tag:inbound stage:qualified,opportunity score:50..90');
  assert.equal(await page.getByTestId('filter-chip').count(), 3);
});

test('the text form is editable and a bad term is shown', async () => {
  await page.goto(rally.url + '/contacts');
  await page.getByLabel('Filter text').fill('stage:lead');
  await page.getByLabel('Filter text').press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 1);
  assert.deepEqual(await visibleEmails(page), ['wrongstage@example.com']);
  await page.getByLabel('Filter text').fill('colour:red');
  await page.getByLabel('Filter text').press('Enter');
  await page.locator('#filter-error').waitFor();
  assert.match(await page.locator('#filter-error').innerText(), /colour/);
});

test('a custom field created in Settings is used in a filter', async () => {
  await page.goto(rally.url + '/settings/fields');
  await page.getByLabel('Key').fill('industry');
  await page.getByLabel('Label').fill('Industry');
  await page.getByLabel('Type').selectOption('select');
  await page.getByLabel('Options (comma-separated)').fill('Software, Retail');
  await page.getByRole('button', { name: 'Create field' }).click();
  await page.getByRole('table', { name: 'Custom fields' }).getByText('custom.industry').waitFor();
  await screenshot(page, 'settings-custom-fields');
  const list = await rally.api('GET', '/api/v1/contacts?limit=50');
  const byEmail = Object.fromEntries(list.data.map((c) => [c.email, c.id]));
  await rally.api('PATCH', `/api/v1/contacts/${byEmail['match1@example.com']}`, { custom: { industry: 'Software' } });
  await rally.api('PATCH', `/api/v1/contacts/${byEmail['lowscore@example.com']}`, { custom: { industry: 'Retail' } });
  await page.goto(rally.url + '/contacts');
  await addChip('Industry', (d) => d.getByLabel('Software').check());
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 1);
  assert.deepEqual(await visibleEmails(page), ['match1@example.com']);
  assert.match(await page.getByLabel('Filter text').inputValue(), /^custom\.industry:Software$/);
  await screenshot(page, 'filters-custom-field');
});

test('bulk-tag the selected rows', async () => {
  await page.goto(rally.url + '/contacts?q=' + encodeURIComponent('stage:opportunity'));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 2);
  await page.getByLabel('Select all loaded contacts').check();
  await page.getByTestId('bulk-bar').getByRole('button', { name: 'Add tag' }).click();
  await page.getByLabel('Tag', { exact: true }).fill('q3-push');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByText('Tagged 2 contacts with “q3-push”').waitFor();
  await screenshot(page, 'filters-bulk-tag');
  const tagged = await rally.api('GET', '/api/v1/contacts?q=' + encodeURIComponent('tag:q3-push'));
  assert.deepEqual(sorted(tagged.data.map((c) => c.email)), ['highscore@example.com', 'match2@example.com']);
});
