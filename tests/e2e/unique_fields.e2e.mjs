// Unique custom fields in the UI: Settings -> Custom fields creates one with "Unique value"; the
// import wizard then offers it under "Match rows to existing contacts by", and a file keyed by
// that customer id updates the contact it names even though its email changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, useRally } from './harness.mjs';

let rally;
let page;
useRally((e) => ({ rally, page } = e));

test('a unique field created in settings is what an import matches on', async () => {
  await page.goto(rally.url + '/settings/fields');
  await page.getByLabel('Key').fill('customer_id');
  await page.getByLabel(/Unique value/).check();
  await page.getByRole('button', { name: 'Create field' }).click();
  const table = page.getByRole('table', { name: 'Custom fields' });
  await table.getByText('custom.customer_id').waitFor();
  assert.equal(await table.getByLabel('customer_id unique').isChecked(), true);
  const fields = (await rally.api('GET', '/api/v1/custom-fields')).data;
  assert.equal(fields.find((f) => f.key === 'customer_id')?.unique, true);
  await screenshot(page, 'unique-field');

  const ada = await rally.api('POST', '/api/v1/contacts', { email: 'ada@old.test', custom: { customer_id: 'C-1' } });
  await page.goto(rally.url + '/settings/import');
  const csv = 'Customer ID,Email,First Name\r\nC-1,ada@new.test,Ada\r\n';
  await page.setInputFiles('#import-file', { name: 'crm.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await page.getByRole('table', { name: 'Column mapping' }).waitFor();
  await page.getByLabel('Field for Customer ID').selectOption('custom.customer_id');
  await page.getByLabel('Match rows to existing contacts by').selectOption('custom.customer_id');
  await page.getByRole('button', { name: 'Start import' }).click();
  await page.getByTestId('import-summary').waitFor();
  const after = await rally.api('GET', '/api/v1/contacts/' + ada.id);
  assert.equal(after.email, 'ada@new.test');
  assert.equal(after.first_name, 'Ada');
});
