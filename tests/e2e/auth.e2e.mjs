// Sign in with the session cookie, see who and where you are, sign out; a wrong password is
// refused with a message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot, signedInPage, useRally } from './harness.mjs';

let rally;
let browser;
useRally((e) => ({ rally, browser } = e), {
  signIn: false,
});

test('wrong password is refused with a message', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(rally.url + '/contacts');
  await page.getByLabel('Email').fill(rally.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  await screenshot(page, 'auth-wrong-password');
  assert.match(await page.getByRole('alert').innerText(), /password|credentials|invalid/i);
});

test('sign in shows the user and workspace; sign out returns to sign-in', async () => {
  const page = await signedInPage(browser, rally);
  assert.ok((await page.getByTestId('current-user').innerText()).length > 0);
  assert.match(await page.getByTestId('current-workspace').innerText(), /Default · admin/);
  // The session survives a reload (cookie), and the URL is the app's.
  await page.reload();
  await page.getByRole('heading', { name: 'Contacts' }).waitFor();
  assert.ok(page.url().endsWith('/contacts'));
  await screenshot(page, 'auth-signed-in');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
});

test('static files: hashed assets are cached for a year, client routes get index.html', async () => {
  const index = await fetch(rally.url + '/contacts/123', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const html = await index.text();
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html);
  assert.ok(asset, 'index.html names its script');
  const js = await fetch(rally.url + asset[1]);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  assert.match(js.headers.get('cache-control'), /max-age=31536000/);
  assert.equal(js.headers.get('content-encoding'), 'gzip');
  const missing = await fetch(rally.url + '/assets/nope.js');
  assert.equal(missing.status, 404);
  const api = await fetch(rally.url + '/api/v1/nope');
  assert.equal(api.status, 404);
  assert.match(api.headers.get('content-type'), /json/);
});
