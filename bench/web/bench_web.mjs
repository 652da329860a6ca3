#!/usr/bin/env node
// bench/web: the Contacts page in Chromium (playwright-core, Debian's chromium, headless) against
// a running `rally serve` on loopback, issue 5's three figures, RUNS times each, medians printed
// beside baselines measured in the same run:
//
//   first rows   navigation start -> the first contact row is in the DOM and a frame was drawn
//                with it (performance.now() in the page, from an observer injected before load);
//                baselines: the page's own DOMContentLoaded, and GET /api/v1/contacts?limit=200
//                fetched from the page (the API's share).
//   filter chip  the click on the chip's Apply -> the first frame whose rows all carry the new
//                filter (Lifecycle stage = Customer, a chip through the real filter bar);
//                baseline: the same filtered first page fetched from the page.
//   scroll       10,000 rows scrolled in the virtualized table, SCROLL_STEP rows per frame,
//                loading pages as the table asks for them; every requestAnimationFrame delta is
//                recorded: the max, p99 and the number over 50 ms; baseline: the same number of
//                frames scrolling a plain 400,000 px div in the same browser (the machine's own
//                frame noise). Beside the frame times, the CPU the page spent per frame (CDP
//                Performance metrics ThreadTime, the renderer's main thread, and ProcessTime, all
//                its threads): frame times on a loaded machine mostly measure the wait for a core,
//                CPU time is what the page's own work costs, whatever the load.
//
// Usage: node bench/web/bench_web.mjs URL EMAIL PASSWORD   (bench/web/run starts the server)
// Knobs: RUNS (5), SCROLL_ROWS (10000), SCROLL_STEP (10), CHROMIUM (/usr/bin/chromium),
//        MEASURES (first,chip,scroll: which measures to take)
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scrollFrames } from './scroll_frames.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');

const [url, email, password] = process.argv.slice(2);
if (!url || !email || !password) {
  console.error('usage: bench_web.mjs URL EMAIL PASSWORD');
  process.exit(2);
}
const RUNS = Number(process.env.RUNS ?? 5);
const SCROLL_ROWS = Number(process.env.SCROLL_ROWS ?? 10000);
const SCROLL_STEP = Number(process.env.SCROLL_STEP ?? 10);
const ROW = '[data-testid="contact-row"]';
const MEASURES = new Set((process.env.MEASURES ?? 'first,chip,scroll').split(','));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const loadavg = async () => (await import('node:fs/promises')).readFile('/proc/loadavg', 'utf8').then((t) => t.split(' ').slice(0, 3).join(' '), () => '?');

// Records, in the page, when the first contact row appears and the frame after it.
function firstRowObserver() {
  window.__firstRow = null;
  const obs = new MutationObserver(() => {
    if (window.__firstRow === null && document.querySelector('[data-testid="contact-row"]')) {
      window.__firstRow = -1;
      obs.disconnect();
      requestAnimationFrame(() => (window.__firstRow = performance.now()));
    }
  });
  obs.observe(document, { childList: true, subtree: true });
}

async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const login = await context.request.post(url + '/api/v1/auth/login', { data: { email, password } });
  if (!login.ok()) throw new Error(`login failed: ${login.status()} ${await login.text()}`);
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  await page.addInitScript(firstRowObserver);
  return { context, page };
}

async function firstRows(browser) {
  const { context, page } = await newPage(browser);
  await page.goto(url + '/contacts', { waitUntil: 'commit' });
  await page.waitForFunction(() => typeof window.__firstRow === 'number' && window.__firstRow > 0, null, { polling: 20 });
  const ui = await page.evaluate(() => window.__firstRow);
  const dcl = await page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd);
  const api = await page.evaluate(async () => {
    const t = performance.now();
    const r = await fetch('/api/v1/contacts?limit=200', { credentials: 'same-origin' });
    await r.json();
    return performance.now() - t;
  });
  await context.close();
  return { ui, dcl, api };
}

async function filterChip(browser) {
  const { context, page } = await newPage(browser);
  await page.goto(url + '/contacts');
  await page.locator(ROW).first().waitFor();
  await page.getByRole('button', { name: '+ Add filter' }).click();
  await page.getByRole('menuitem', { name: 'Lifecycle stage', exact: true }).click();
  await page.getByRole('dialog', { name: 'Add a filter' }).getByLabel('Customer').check();
  // The clock starts at the click's own event in the page and stops at the first frame whose
  // rows are all Customer.
  await page.evaluate(() => {
    window.__chip = null;
    document.addEventListener('click', (e) => {
      if (!(e.target instanceof HTMLElement) || e.target.textContent !== 'Apply') return;
      const t0 = performance.now();
      const check = () => {
        const cells = [...document.querySelectorAll('[data-testid="contact-row"] [data-col="lifecycle_stage"]')];
        if (cells.length > 0 && cells.every((c) => c.textContent === 'Customer')) window.__chip = performance.now() - t0;
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    }, { capture: true, once: true });
  });
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForFunction(() => window.__chip !== null, null, { polling: 20 });
  const ui = await page.evaluate(() => window.__chip);
  const api = await page.evaluate(async () => {
    const t = performance.now();
    const r = await fetch('/api/v1/contacts?limit=200&q=' + encodeURIComponent('stage:customer'), { credentials: 'same-origin' });
    await r.json();
    return performance.now() - t;
  });
  await context.close();
  return { ui, api };
}


function frameStats({ deltas, ms, missing }) {
  const s = [...deltas].sort((a, b) => a - b);
  return { max: s[s.length - 1], p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))], over50: s.filter((d) => d >= 50).length, frames: s.length, ms, missing };
}

// The renderer's CPU seconds so far: its main thread and the whole process (CDP Performance).
async function cpuTimes(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (n) => metrics.find((m) => m.name === n)?.value ?? NaN;
  return { thread: get('ThreadTime'), process: get('ProcessTime') };
}

// Scrolls and adds the CPU per frame (ms) to the frame stats.
async function measuredScroll(page, cdp, selector, rowSelector) {
  const before = await cpuTimes(cdp);
  const stats = frameStats(await page.evaluate(scrollFrames, { selector, rows: SCROLL_ROWS, step: SCROLL_STEP, rowH: 40, rowSelector }));
  const after = await cpuTimes(cdp);
  stats.cpuMain = ((after.thread - before.thread) * 1000) / stats.frames;
  stats.cpuProcess = ((after.process - before.process) * 1000) / stats.frames;
  return stats;
}

async function scroll(browser) {
  const { context, page } = await newPage(browser);
  await page.goto(url + '/contacts');
  await page.locator(ROW).first().waitFor();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const ui = await measuredScroll(page, cdp, '[data-testid="contacts-grid"]', ROW);
  const loaded = await page.evaluate(() => document.querySelector('[data-testid="contacts-count"]')?.parentElement?.textContent ?? '');
  // Baseline: a plain tall div, the same number of frames, in the same browser.
  await page.setContent('<div id="s" style="height:800px;overflow:auto"><div style="height:400400px;background:linear-gradient(#fff,#eee)"></div></div>');
  const base = await measuredScroll(page, cdp, '#s');
  await context.close();
  return { ui, base, loaded };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
try {
  const fr = [];
  const fc = [];
  const sc = [];
  // Interleaved, so load on the shared machine spreads over all three.
  for (let i = 0; i < RUNS; i++) {
    const line = [];
    if (MEASURES.has('first')) {
      fr.push(await firstRows(browser));
      line.push(`first rows ${fmt(fr[i].ui)}`);
    }
    if (MEASURES.has('chip')) {
      fc.push(await filterChip(browser));
      line.push(`chip ${fmt(fc[i].ui)}`);
    }
    if (MEASURES.has('scroll')) {
      sc.push(await scroll(browser));
      const s = sc[i].ui;
      line.push(`scroll max frame ${fmt(s.max)}, ${s.over50} >= 50 ms, ${s.missing} with a row missing (${s.frames} frames, ${(s.ms / 1000).toFixed(1)} s, main thread ${s.cpuMain.toFixed(2)} ms CPU/frame)`);
    }
    console.error(`run ${i + 1}/${RUNS}: ${line.join(', ')}; load average ${(await loadavg())}`);
  }
  const m = (xs, f) => median(xs.map(f));
  const pass = (v, t) => (v <= t ? 'PASS' : 'MISS');
  const rows = [];
  if (fr.length) {
    rows.push(['first rows visible after load', fmt(m(fr, (x) => x.ui)), '<= 1000 ms', pass(m(fr, (x) => x.ui), 1000),
      `DOMContentLoaded ${fmt(m(fr, (x) => x.dcl))}; API first page ${fmt(m(fr, (x) => x.api))}`]);
  }
  if (fc.length) {
    rows.push(['filter chip -> filtered rows', fmt(m(fc, (x) => x.ui)), '<= 300 ms', pass(m(fc, (x) => x.ui), 300),
      `API filtered first page ${fmt(m(fc, (x) => x.api))}`]);
  }
  if (sc.length) {
    rows.push(
      [`scroll ${SCROLL_ROWS.toLocaleString('en-US')} rows: max frame`, fmt(m(sc, (x) => x.ui.max)), '< 50 ms', pass(m(sc, (x) => x.ui.max), 49.999),
        `plain div max frame ${fmt(m(sc, (x) => x.base.max))}`],
      ['scroll: p99 frame', fmt(m(sc, (x) => x.ui.p99)), '', '', `plain div p99 ${fmt(m(sc, (x) => x.base.p99))}`],
      ['scroll: frames >= 50 ms (of all)', `${m(sc, (x) => x.ui.over50)} of ${m(sc, (x) => x.ui.frames)}`, '0', '',
        `plain div ${m(sc, (x) => x.base.over50)} of ${m(sc, (x) => x.base.frames)}`],
      ['scroll: frames drawn with a visible row missing', `${m(sc, (x) => x.ui.missing)}`, '0', '', ''],
      ['scroll: wall time', `${(m(sc, (x) => x.ui.ms) / 1000).toFixed(2)} s`, '', '', `plain div ${(m(sc, (x) => x.base.ms) / 1000).toFixed(2)} s`],
      ['scroll: main-thread CPU per frame', `${m(sc, (x) => x.ui.cpuMain).toFixed(2)} ms`, '', '', `plain div ${m(sc, (x) => x.base.cpuMain).toFixed(2)} ms`],
      ['scroll: renderer CPU per frame (all threads)', `${m(sc, (x) => x.ui.cpuProcess).toFixed(2)} ms`, '', '', `plain div ${m(sc, (x) => x.base.cpuProcess).toFixed(2)} ms`],
    );
  }
  console.log(`bench/web: medians of ${RUNS} runs (Chromium headless, loopback; a shared 2-core machine: expect noise)`);
  console.log('| Measure | Median | Target | | Baseline in the same run |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  const worst = [];
  if (fr.length) worst.push(`first rows ${fmt(Math.max(...fr.map((x) => x.ui)))}`);
  if (fc.length) worst.push(`chip ${fmt(Math.max(...fc.map((x) => x.ui)))}`);
  if (sc.length) worst.push(`scroll max frame ${fmt(Math.max(...sc.map((x) => x.ui.max)))}, most frames >= 50 ms ${Math.max(...sc.map((x) => x.ui.over50))}`);
  console.log(`worst single run: ${worst.join(', ')}`);
} finally {
  await browser.close();
}
