// The contact write path through the UI: the New Contact form, a duplicate email, editing a
// field in place and its timeline entry, a note, and sorting the table by lead score.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, seedContacts, useRally, visibleEmails } from './harness.mjs';

let rally;
let page;
useRally((e) => ({ rally, page } = e));

test('create a contact with the New Contact form', async () => {
  await page.getByTestId('new-contact').click();
  await page.getByRole('heading', { name: 'New contact' }).waitFor();
  await page.getByLabel('Email (required)').fill('ada@example.com');
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByLabel('Company').fill('Analytical Engines');
  await page.getByLabel('Lead score').fill('72');
  await page.getByLabel('Tags').fill('inbound, event attendee');
  await screenshot(page, 'contacts-new-form');
  await page.getByRole('button', { name: 'Create contact' }).click();
  await page.getByTestId('contact-name').waitFor();
  assert.equal(await page.getByTestId('contact-name').innerText(), 'Ada Lovelace');
  assert.match(await page.getByTestId('contact-tags').innerText(), /inbound/);
  // The timeline loads after the record: wait for its entry rather than read it at once.
  await page.getByTestId('timeline').getByText(/Contact created/).waitFor();
  await screenshot(page, 'contacts-record');
});

test('a duplicate email is refused inline, linking to the existing contact', async () => {
  await page.goto(rally.url + '/contacts/new');
  await page.getByLabel('Email (required)').fill('  ADA@example.com ');
  await page.getByRole('button', { name: 'Create contact' }).click();
  const err = page.getByTestId('error-email');
  await err.waitFor();
  await screenshot(page, 'contacts-duplicate-email');
  await err.getByRole('link', { name: 'open the existing contact' }).click();
  await page.getByTestId('contact-name').waitFor();
  assert.equal(await page.getByTestId('contact-name').innerText(), 'Ada Lovelace');
});

test('editing a field in place adds a timeline entry', async () => {
  await page.getByRole('button', { name: 'Edit Title' }).click();
  await page.getByRole('textbox', { name: 'Title' }).fill('VP Sales');
  await page.getByRole('textbox', { name: 'Title' }).press('Enter');
  await page.getByRole('button', { name: 'Edit Title' }).filter({ hasText: 'VP Sales' }).waitFor();
  const entry = page.getByTestId('timeline').getByText(/Title changed from — to VP Sales by/);
  await entry.waitFor();
  // Newest first: the change is above the creation.
  const text = await page.getByTestId('timeline').innerText();
  assert.ok(text.indexOf('Title changed') < text.indexOf('Contact created'));
  await page.getByLabel('Add a note').fill('Met at the conference; wants a demo.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.getByTestId('timeline').getByText('Met at the conference; wants a demo.').waitFor();
  await page.locator('#stage-select').selectOption('qualified');
  await page.getByTestId('timeline').getByText(/Stage changed from Lead to Qualified by/).waitFor();
  await screenshot(page, 'contacts-timeline');
});

test('sorting by lead score orders the rows', async () => {
  await seedContacts(rally, [
    { email: 'low@example.com', lead_score: 5 },
    { email: 'high@example.com', lead_score: 99 },
    { email: 'mid@example.com', lead_score: 40 },
  ]);
  await page.goto(rally.url + '/contacts');
  await page.getByTestId('contact-row').first().waitFor();
  await page.getByRole('button', { name: 'Sort by Lead score' }).click();
  await page.waitForURL(/sort=-lead_score/);
  await page.waitForFunction(() => document.querySelector('[data-testid="contact-row"] [data-col="email"]')?.textContent === 'high@example.com');
  assert.deepEqual(await visibleEmails(page), ['high@example.com', 'ada@example.com', 'mid@example.com', 'low@example.com']);
  await page.getByRole('button', { name: 'Sort by Lead score' }).click();
  await page.waitForURL(/sort=lead_score/);
  await page.waitForFunction(() => document.querySelector('[data-testid="contact-row"] [data-col="email"]')?.textContent === 'low@example.com');
  assert.deepEqual(await visibleEmails(page), ['low@example.com', 'mid@example.com', 'ada@example.com', 'high@example.com']);
  // Keyboard: focus the grid, move down, Enter opens the row.
  await page.getByTestId('contacts-grid').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/contacts\/\d+$/);
  await page.getByTestId('contact-name').waitFor();
  assert.equal(await page.getByTestId('contact-name').innerText(), 'mid@example.com');
});
