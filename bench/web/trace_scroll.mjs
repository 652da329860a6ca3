#!/usr/bin/env node
// bench/web: why scrolling frames are long. Scrolls the Contacts table as bench_web.mjs does
// (SCROLL_ROWS rows, SCROLL_STEP rows per requestAnimationFrame) under a Chrome trace (CDP
// Tracing, the DevTools timeline categories), then prints, from the renderer's main thread:
//   - the rAF frame deltas (max, p99, count >= 50 ms), as the benchmark measures them;
//   - self time by trace event over the whole scroll (script, style, layout, paint, GC, parse);
//   - each main-thread task of LONG ms or more with its own breakdown, so a long frame can be
//     attributed (a page's JSON arriving, React's commit, a forced layout in a handler, GC).
// A diagnostic, not a benchmark: tracing itself costs time.
//
// Usage: node bench/web/trace_scroll.mjs URL EMAIL PASSWORD   (a running `rally serve`)
// Knobs: SCROLL_ROWS (3000) SCROLL_STEP (10) LONG (30: wall ms) LONG_CPU (15: CPU ms) TRACE_OUT (write the raw trace JSON)
// BASELINE=1 (trace the plain div of bench_web.mjs's baseline instead) EXTRA_CSS (a style sheet to try)
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scrollFrames } from './scroll_frames.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'web', 'package.json'));
const { chromium } = require('playwright-core');

const [url, email, password] = process.argv.slice(2);
if (!url || !email || !password) {
  console.error('usage: trace_scroll.mjs URL EMAIL PASSWORD');
  process.exit(2);
}
const SCROLL_ROWS = Number(process.env.SCROLL_ROWS ?? 3000);
const SCROLL_STEP = Number(process.env.SCROLL_STEP ?? 10);
const LONG = Number(process.env.LONG ?? 30);
const LONG_CPU = Number(process.env.LONG_CPU ?? 15);


const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const login = await context.request.post(url + '/api/v1/auth/login', { data: { email, password } });
  if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  await page.goto(url + '/contacts');
  await page.locator('[data-testid="contact-row"]').first().waitFor();
  // EXTRA_CSS: a style sheet added to the page before the scroll, to try a CSS change quickly.
  if (process.env.EXTRA_CSS) await page.addStyleTag({ content: process.env.EXTRA_CSS });
  // BASELINE=1: the same scroll of a plain 400,000 px div (bench_web.mjs's baseline), for the floor.
  const selector = process.env.BASELINE ? '#s' : '[data-testid="contacts-grid"]';
  if (process.env.BASELINE) await page.setContent('<div id="s" style="height:800px;overflow:auto"><div style="height:400400px;background:linear-gradient(#fff,#eee)"></div></div>');
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink', 'loading', 'toplevel', 'disabled-by-default-v8.gc'],
    },
  });
  const r = await page.evaluate(scrollFrames, { selector, rows: SCROLL_ROWS, step: SCROLL_STEP, rowH: 40 });
  await cdp.send('Tracing.end');
  await done;
  if (process.env.TRACE_OUT) writeFileSync(process.env.TRACE_OUT, JSON.stringify({ traceEvents: events }));

  const s = [...r.deltas].sort((a, b) => a - b);
  console.log(`frames ${s.length} in ${(r.ms / 1000).toFixed(1)} s: max ${s.at(-1).toFixed(1)} ms, p99 ${s[Math.floor(s.length * 0.99)].toFixed(1)} ms, >= 50 ms: ${s.filter((d) => d >= 50).length}`);

  // The renderer's main thread: the thread that ran the page's rAF callbacks.
  const fire = events.find((e) => e.name === 'FireAnimationFrame');
  if (!fire) throw new Error('no FireAnimationFrame in the trace');
  const main = events.filter((e) => e.pid === fire.pid && e.tid === fire.tid && e.ph === 'X' && e.dur !== undefined);
  main.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // Self time: each event's duration minus its direct children's.
  const stack = [];
  const self = new Map();
  const tasks = [];
  for (const e of main) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    const parent = stack.at(-1);
    e.self = e.dur;
    e.tself = e.tdur ?? 0;
    e.kids = new Map();
    if (parent) {
      parent.self -= e.dur;
      parent.tself -= e.tdur ?? 0;
    }
    if (!parent) tasks.push(e);
    e.top = parent ? parent.top : e;
    stack.push(e);
  }
  const tself = new Map();
  for (const e of main) {
    tself.set(e.name, (tself.get(e.name) ?? 0) + e.tself);
    self.set(e.name, (self.get(e.name) ?? 0) + e.self);
    e.top.kids.set(e.name, (e.top.kids.get(e.name) ?? 0) + e.self);
    e.top.tkids ??= new Map();
    e.top.tkids.set(e.name, (e.top.tkids.get(e.name) ?? 0) + e.tself);
  }
  const ms = (us) => (us / 1000).toFixed(1);
  // Thread (CPU) time of the top-level tasks: what the page's work costs, whatever the load;
  // wall time (dur) also counts the time the thread waited for a core.
  const cpu = tasks.reduce((a, t) => a + (t.tdur ?? 0), 0);
  console.log(`main thread CPU ${ms(cpu)} ms over ${r.deltas.length} frames = ${(cpu / 1000 / r.deltas.length).toFixed(2)} ms/frame (tasks' thread time)`);
  console.log('CPU (thread time) by event, self:');
  for (const [n, t] of [...tself].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`  ${ms(t).padStart(8)} ms  ${n}`);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`main thread busy ${ms(total)} ms of ${(r.ms).toFixed(0)} ms; self time by event:`);
  for (const [n, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(`  ${ms(t).padStart(8)} ms  ${n}`);
  const long = tasks.filter((t) => t.dur >= LONG * 1000);
  console.log(`tasks >= ${LONG} ms: ${long.length}`);
  for (const t of long.slice(0, 40)) {
    const parts = [...t.kids].sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 1000).map(([k, v]) => `${k} ${ms(v)}`);
    const fn = main.find((e) => e.top === t && e.name === 'FunctionCall')?.args?.data;
    console.log(`  ${ms(t.dur).padStart(6)} ms @${ms(t.ts - tasks[0].ts)}: ${parts.join(', ')}${fn ? ` [${fn.functionName || ''} ${(fn.url || '').split('/').pop()}:${fn.lineNumber}]` : ''}`);
  }
  // The same by CPU: the tasks that do the most work, whatever the load made them wait.
  const heavy = tasks.filter((t) => (t.tdur ?? 0) >= LONG_CPU * 1000).sort((a, b) => b.tdur - a.tdur);
  console.log(`tasks using >= ${LONG_CPU} ms of CPU: ${heavy.length}`);
  for (const t of heavy.slice(0, 25)) {
    const parts = [...t.tkids].sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 500).map(([k, v]) => `${k} ${ms(v)}`);
    console.log(`  ${ms(t.tdur).padStart(6)} ms CPU (${ms(t.dur)} wall) @${ms(t.ts - tasks[0].ts)}: ${parts.join(', ')}`);
  }
  await context.close();
} finally {
  await browser.close();
}
