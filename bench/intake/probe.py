#!/usr/bin/env python3
"""Visibility probe for the intake benchmark, run beside the load.

Posts, one after another, an item whose text is a real sentence plus a unique marker word
(letters only, so the index keeps it whole), notes when the server accepted it (201), then
polls the full-text index every POLL_MS until the item is there: the time from acceptance to
being searchable. The index is read with SQLite's own FTS5 query on the server's database file
(WAL: a reader never blocks the writer), the same index `ykien search` and the search pages
read, so nothing of the server's request path is added to the figure.

Also samples the job queue once a second (queued/running/done), so the report can say whether
the pipeline kept up with the load, and how long it took to drain after the load stopped.

    probe.py BASE_URL TOKEN DB_PATH TEXTS STOP_FILE OUT_JSON

Probes until STOP_FILE exists (run.sh creates it when the load generator has finished), then
waits for the queue to drain and reports how long that took after the load stopped.
"""

import http.client
import json
import os
import sqlite3
import statistics
import sys
import threading
import time
import urllib.parse

POLL_MS = 10
GIVE_UP_S = 60


def marker(i, run):
    # Letters only: "zqprobe" + run + base-26 counter, e.g. zqprobeabcbd
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(97 + r) + s
    return f"zqprobe{run}{s}"


def percentile(xs, p):
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main():
    base, token, db, texts, stop_file, out = sys.argv[1:7]
    u = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    ro = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30, check_same_thread=False)
    ro.execute("PRAGMA busy_timeout = 30000")
    sentences = []
    with open(texts, encoding="utf-8") as f:
        for k, line in enumerate(f):
            if k % 997 == 0:
                sentences.append(json.loads(line)["text"])
            if len(sentences) >= 2000:
                break
    run = "".join(chr(97 + int(c)) for c in str(int(time.time()) % 100000))

    samples = []
    stop = threading.Event()

    def sampler():
        sample_db = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
        t0 = time.monotonic()
        while not stop.is_set():
            try:
                rows = dict(sample_db.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state"))
            except sqlite3.Error as e:
                rows = {"error": str(e)}
            samples.append({"t": round(time.monotonic() - t0, 2), **rows})
            stop.wait(1.0)

    th = threading.Thread(target=sampler, daemon=True)
    th.start()

    lat = []
    failures = 0
    i = 0
    while not os.path.exists(stop_file):
        m = marker(i, run)
        body = json.dumps(
            {"text": f"{sentences[i % len(sentences)]} {m}", "source": "bench/probe"},
            ensure_ascii=False,
        ).encode()
        try:
            conn.request(
                "POST",
                "/api/v1/items",
                body=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            r = conn.getresponse()
            r.read()
        except (OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            failures += 1
            i += 1
            continue
        accepted = time.monotonic()
        i += 1
        if r.status != 201:
            failures += 1
            continue
        while True:
            found = ro.execute(
                "SELECT rowid FROM items_fts WHERE items_fts MATCH ? LIMIT 1", (f'"{m}"',)
            ).fetchone()
            now = time.monotonic()
            if found:
                lat.append(now - accepted)
                break
            if now - accepted > GIVE_UP_S:
                failures += 1
                break
            time.sleep(POLL_MS / 1000)
        time.sleep(0.2)
    # Let the queue drain and record how long that takes.
    t_load_end = time.monotonic()
    drained_after = None
    queue_db = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    while time.monotonic() - t_load_end < 300:
        q = dict(queue_db.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state"))
        if q.get("queued", 0) == 0 and q.get("running", 0) == 0:
            drained_after = round(time.monotonic() - t_load_end, 2)
            break
        time.sleep(0.5)
    stop.set()
    th.join()
    res = {
        "probes": len(lat),
        "failures": failures,
        "p50_s": percentile(lat, 50),
        "p90_s": percentile(lat, 90),
        "p99_s": percentile(lat, 99),
        "max_s": max(lat) if lat else None,
        "mean_s": statistics.mean(lat) if lat else None,
        "drained_after_load_end_s": drained_after,
        "queue_samples": samples,
    }
    with open(out, "w") as f:
        json.dump(res, f, indent=1)
    print(
        "PROBE probes=%d failures=%d p50=%.3fs p90=%.3fs p99=%.3fs max=%.3fs drained_after=%ss"
        % (len(lat), failures, res["p50_s"] or -1, res["p90_s"] or -1, res["p99_s"] or -1,
           res["max_s"] or -1, drained_after)
    )


if __name__ == "__main__":
    main()
