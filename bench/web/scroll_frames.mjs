// bench/web: the scroll loop bench_web.mjs measures and trace_scroll.mjs traces, run inside the
// page (page.evaluate serializes it: it must use nothing from this module's scope).
// Scrolls `selector`'s element `rows` rows of 40 px, `step` rows per frame (waiting where the
// loaded rows end), and returns every frame delta. With `rowSelector`, each frame also checks
// that the frame before it drew every loaded row the viewport showed (rows are found by their
// `top`), so a table that skipped or deferred rows to keep frames short would count `missing`.
export function scrollFrames({ selector, rows, step, rowH, rowSelector }) {
  return new Promise((resolve, reject) => {
    const el = document.querySelector(selector);
    if (!el) return reject(new Error('no ' + selector));
    const target = rows * rowH;
    const deltas = [];
    let missing = 0;
    let last = performance.now();
    const start = last;
    const frame = (now) => {
      deltas.push(now - last);
      last = now;
      if (rowSelector) {
        const loaded = Number(el.getAttribute('aria-rowcount') ?? 1) - 1;
        const have = new Set([...el.querySelectorAll(rowSelector)].map((r) => Math.round(parseFloat(r.style.top) / rowH)));
        const to = Math.min(loaded, Math.ceil((el.scrollTop + el.clientHeight) / rowH));
        for (let i = Math.floor(el.scrollTop / rowH); i < to; i++) {
          if (!have.has(i)) {
            missing++;
            break;
          }
        }
      }
      if (el.scrollTop >= target - el.clientHeight) return resolve({ deltas, ms: now - start, missing });
      if (now - start > 120000) return reject(new Error(`scroll stuck at ${el.scrollTop}px of ${target}`));
      el.scrollTop = Math.min(el.scrollTop + step * rowH, target);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame((now) => {
      last = now;
      requestAnimationFrame(frame);
    });
  });
}
