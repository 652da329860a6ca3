#!/usr/bin/env python3
"""Helpers of bench/api/run (standard library only).

  bench_api.py load BASE_URL TOKEN CONTACTS.jsonl IDS_OUT [BATCH_SIZE]
      Loads generated contacts through POST /api/v1/contacts/batch ({"items":[...]}), writes
      the id of every contact created or matched to IDS_OUT (one per line, each once), prints a
      summary line. Fails, naming the first refusals, when a call fails or over 1% of items
      are refused.
  bench_api.py bodies CONTACTS.jsonl OUT
      For post.lua: each contact's JSON members after the opening brace, without "email".
  bench_api.py custom-fields BASE_URL TOKEN DEFINITIONS.json
      Creates the generator's custom fields (409 "already exists" is fine).
  bench_api.py report OUT_DIR ROUNDS [BACKEND...]
      Reads OUT_DIR/wrk-baseline-<round>.txt and wrk-{get,post}-<backend>-<round>.txt (backends
      default: sqlite) and prints the results table; issue 2's targets apply to SQLite.
"""
import json
import re
import statistics
import sys
import time
import urllib.error
import urllib.request


def request(method, url, token, body=None):
    req = urllib.request.Request(url, data=body, method=method, headers={
        "Authorization": "Bearer " + token,
        "Content-Type": "application/json",
    })
    try:
        with urllib.request.urlopen(req, timeout=300) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def item_results(doc):
    """The per-item list of a batch answer, whatever its top-level key."""
    if isinstance(doc, list):
        return doc
    for key in ("results", "items", "data"):
        if isinstance(doc.get(key), list):
            return doc[key]
    raise SystemExit("no per-item result list in the batch answer: " + json.dumps(doc)[:300])


def item_id(item):
    if item.get("id") is not None:
        return str(item["id"])
    contact = item.get("contact")
    if isinstance(contact, dict) and contact.get("id") is not None:
        return str(contact["id"])
    return None


def load(base, token, path, ids_out, batch_size=1000):
    batch_size = int(batch_size)
    with open(path, encoding="utf-8") as f:
        lines = [line.strip() for line in f if line.strip()]
    ids, seen, statuses, refusals = [], set(), {}, []
    start = time.monotonic()
    for first in range(0, len(lines), batch_size):
        chunk = lines[first:first + batch_size]
        body = ('{"items":[' + ",".join(chunk) + "]}").encode("utf-8")
        code, answer = request("POST", base + "/api/v1/contacts/batch", token, body)
        if code != 200:
            raise SystemExit(f"batch at item {first}: HTTP {code}: "
                             f"{answer[:500].decode('utf-8', 'replace')}")
        results = item_results(json.loads(answer))
        if len(results) != len(chunk):
            raise SystemExit(f"batch at item {first}: {len(results)} results for {len(chunk)} items")
        for i, item in enumerate(results):
            status = str(item.get("status", "?"))
            statuses[status] = statuses.get(status, 0) + 1
            cid = item_id(item)
            if status == "error" or cid is None:
                refusals.append(f"item {first + i}: {json.dumps(item, ensure_ascii=False)[:300]}")
            elif cid not in seen:
                seen.add(cid)
                ids.append(cid)
    elapsed = time.monotonic() - start
    with open(ids_out, "w") as f:
        f.write("\n".join(ids) + "\n")
    summary = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
    print(f"loaded {len(lines):,} contacts in {elapsed:.1f} s ({len(lines) / elapsed:,.0f}/s, "
          f"batches of {batch_size}): {summary}; {len(ids):,} distinct ids")
    if len(refusals) > len(lines) // 100:
        raise SystemExit(f"{len(refusals)} items refused; first ones:\n  " +
                         "\n  ".join(refusals[:5]))
    for r in refusals[:5]:
        print("  refused " + r, file=sys.stderr)


def bodies(path, out):
    with open(path, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as o:
        for line in f:
            contact = json.loads(line)
            contact.pop("email", None)
            o.write(json.dumps(contact, ensure_ascii=False, separators=(",", ":"))[1:] + "\n")


def custom_fields(base, token, path):
    with open(path, encoding="utf-8") as f:
        definitions = json.load(f)
    for d in definitions:
        code, answer = request("POST", base + "/api/v1/custom-fields", token,
                               json.dumps(d).encode("utf-8"))
        if code not in (200, 201, 409):
            raise SystemExit(f"creating custom field {d['key']}: HTTP {code}: "
                             f"{answer[:500].decode('utf-8', 'replace')}")


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\b", text, re.M)
    if not rps or not p99:
        raise SystemExit(f"{path}: not a wrk --latency report:\n{text[-2000:]}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    total = re.search(r"(\d+) requests in", text)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(g) for g in sock.groups()) if sock else 0)
    return {
        "rps": float(rps.group(1)),
        "p99": float(p99.group(1)) * UNITS_MS[p99.group(2)],
        "errors": errors,
        "requests": int(total.group(1)) if total else 0,
    }


def report(out_dir, rounds, *backends):
    rounds = int(rounds)
    backends = backends or ("sqlite",)
    rows = [("baseline", "Bare Beast server, GET (fixed 300-byte JSON)")]
    for b in backends:
        rows += [(f"get-{b}", f"Rally on {b}: GET /api/v1/contacts/{{id}} (random ids)"),
                 (f"post-{b}", f"Rally on {b}: POST /api/v1/contacts (new email each)")]
    med = {}
    lines = ["| Measurement | req/s (median) | p99 ms (median) | req/s per run | errors |",
             "|---|---:|---:|---|---:|"]
    for key, label in rows:
        runs = [parse_wrk(f"{out_dir}/wrk-{key}-{r}.txt") for r in range(1, rounds + 1)]
        rps = statistics.median(r["rps"] for r in runs)
        p99 = statistics.median(r["p99"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        med[key] = {"rps": rps, "p99": p99, "errors": errors}
        per_run = ", ".join(f"{r['rps']:,.0f}" for r in runs)
        lines.append(f"| {label} | {rps:,.0f} | {p99:.2f} | {per_run} | {errors} |")

    def verdict(ok):
        return "PASS" if ok else "MISS"

    lines.append("")
    for b in backends:
        ratio = med[f"get-{b}"]["rps"] / med["baseline"]["rps"]
        lines.append(f"- {b}: GET / baseline = {ratio:.2f}")
    if "sqlite" in backends and "postgres" in backends:
        for kind in ("get", "post"):
            lines.append(f"- {kind.upper()} PostgreSQL / SQLite = "
                         f"{med[f'{kind}-postgres']['rps'] / med[f'{kind}-sqlite']['rps']:.2f}")
    checks = [("no HTTP or socket errors", all(m["errors"] == 0 for m in med.values()))]
    if "sqlite" in backends:
        ratio = med["get-sqlite"]["rps"] / med["baseline"]["rps"]
        checks = [
            (f"SQLite GET / baseline = {ratio:.2f} (target >= 0.35)", ratio >= 0.35),
            (f"SQLite POST = {med['post-sqlite']['rps']:,.0f}/s (target >= 10,000/s with 64 "
             "connections)", med["post-sqlite"]["rps"] >= 10000),
            (f"SQLite GET p99 = {med['get-sqlite']['p99']:.2f} ms (target < 10 ms)",
             med["get-sqlite"]["p99"] < 10),
            (f"SQLite POST p99 = {med['post-sqlite']['p99']:.2f} ms (target < 10 ms)",
             med["post-sqlite"]["p99"] < 10),
        ] + checks
    lines.append("")
    lines += [f"- {verdict(ok)}: {text}" for text, ok in checks]
    print("\n".join(lines))
    # 0: every target met; 3: a target missed (the run itself worked).
    return 0 if all(ok for _, ok in checks) else 3


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    commands = {"load": load, "bodies": bodies, "custom-fields": custom_fields, "report": report}
    if cmd not in commands:
        raise SystemExit(__doc__)
    sys.exit(commands[cmd](*args) or 0)


if __name__ == "__main__":
    main()
