// End-to-end harness: a real `rally serve` on a free loopback port with a fresh database in a
// temp folder, and Debian's Chromium driven headless by playwright-core (no browser download).
// Each spec file (*.e2e.mjs) uses node:test; CTest runs one spec file per test (tests/e2e/
// CMakeLists.txt), so files run in parallel, each with its own server.
//
// Environment: RALLY_BINARY (the rally executable), RALLY_E2E_OUT (screenshots go there),
// CHROMIUM (default /usr/bin/chromium), optionally RALLY_WEB_DIR.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// playwright-core is a dev dependency of web/ (one lockfile for all JavaScript).
const require = createRequire(join(here, '..', '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');

const binary = process.env.RALLY_BINARY;
const outDir = process.env.RALLY_E2E_OUT ?? join(here, '..', '..', 'build', 'e2e-screenshots');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Starts rally serve; resolves once it prints its URL and the first-start admin credentials.
export async function startRally() {
  if (!binary) throw new Error('RALLY_BINARY is not set');
  const dir = mkdtempSync(join(tmpdir(), 'rally-e2e-'));
  const args = ['serve', '--db', join(dir, 'rally.db'), '--listen', '127.0.0.1:0', '--access-log', 'false'];
  // RALLY_WEB_DIR: a `vite build` output to serve instead of the embedded UI (faster iteration).
  if (process.env.RALLY_WEB_DIR) args.push('--web-dir', process.env.RALLY_WEB_DIR);
  const child = spawn(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=0' },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rally serve did not start in 30 s:\n${out}\n${err}`)), 30000);
    child.on('exit', (code) => reject(new Error(`rally serve exited with ${code}:\n${out}\n${err}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out);
      const login = /Admin login: (\S+)/.exec(out);
      const password = /Password:\s+(\S+)/.exec(out);
      const token = /API token: (\S+)/.exec(out);
      if (url && login && password && token) {
        clearTimeout(timer);
        resolve({ url: url[1], email: login[1], password: password[1], token: token[1] });
      }
    });
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      const t = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 10000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { ...info, stop, api: (method, path, body) => callApi(info, method, path, body) };
}

// The API with the bootstrap token, for seeding data quickly.
async function callApi(info, method, path, body) {
  const res = await fetch(info.url + path, {
    method,
    headers: { Authorization: `Bearer ${info.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
  return json;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

// Registers a spec file's before/after hooks: its own Rally server and Chromium, started
// together; then `seed()` (once `bind` has handed over rally and browser), then a signed-in
// page unless signIn is false, accepting confirm() dialogs when acceptDialogs. `bind` receives
// { rally, browser, page } so that the file's tests use them as plain variables.
export function useRally(bind, { seed, signIn = true, acceptDialogs = false } = {}) {
  let rally;
  let browser;
  before(async () => {
    [rally, browser] = await Promise.all([startRally(), launchBrowser()]);
    bind({ rally, browser });
    if (seed) await seed();
    if (!signIn) return;
    const page = await signedInPage(browser, rally);
    if (acceptDialogs) page.on('dialog', (d) => void d.accept());
    bind({ rally, browser, page });
  });
  after(async () => {
    await browser?.close();
    await rally?.stop();
  });
}

// A signed-in page at 1280x800.
export async function signedInPage(browser, rally) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  await page.goto(rally.url + '/');
  await page.getByLabel('Email').fill(rally.email);
  await page.getByLabel('Password').fill(rally.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Contacts' }).waitFor();
  return page;
}

export async function screenshot(page, name) {
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: false });
}

// Seeds contacts through the batch endpoint (one call).
export async function seedContacts(rally, items) {
  const r = await rally.api('POST', '/api/v1/contacts/batch', { items });
  if (r.errors) throw new Error('seed failed: ' + JSON.stringify(r.results.filter((x) => x.status === 'error')));
  return r;
}

// The emails shown in the table's rows, in order.
export async function visibleEmails(page) {
  return page.locator('[data-testid="contact-row"] [data-col="email"]').allInnerTexts();
}
