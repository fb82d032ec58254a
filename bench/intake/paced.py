#!/usr/bin/env python3
"""Open-loop load at a fixed rate: RATE items/s for SECONDS through POST /api/v1/items/batch,
BATCH items a request, sent on schedule whatever the answers' latency (two sending threads,
keep-alive connections). Answers whether the server *sustains* a rate, where wrk (closed loop)
answers how fast it can go. Texts: real sentences (texts.py), unique external ids.

    paced.py BASE_URL TOKEN TEXTS RATE SECONDS BATCH RUN
"""

import http.client
import json
import sys
import threading
import time
import urllib.parse


def main():
    base, token, texts, rate, seconds, batch, run = sys.argv[1:8]
    rate, seconds, batch = float(rate), float(seconds), int(batch)
    u = urllib.parse.urlparse(base)
    lines = []
    need = int(rate * seconds) + batch
    with open(texts, encoding="utf-8") as f:
        for line in f:
            lines.append(json.loads(line)["text"])
            if len(lines) >= need:
                break
    interval = batch / rate  # seconds between requests, all threads together
    nthreads = 2
    stats = {"accepted": 0, "other": 0, "requests": 0, "late": 0, "lat": []}
    lock = threading.Lock()
    t0 = time.monotonic() + 0.5

    def sender(k):
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        j = k
        while True:
            due = t0 + j * interval
            if due - t0 >= seconds:
                return
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            elif now - due > 1.0:
                with lock:
                    stats["late"] += 1
            start = j * batch
            items = [
                {"text": lines[(start + i) % len(lines)], "source": f"bench/{run}",
                 "external_id": f"{run}-{start + i}"}
                for i in range(batch)
            ]
            body = json.dumps(items, ensure_ascii=False).encode()
            t = time.monotonic()
            try:
                conn.request("POST", "/api/v1/items/batch", body=body, headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                ok = json.loads(data)["accepted"] if r.status == 200 else 0
            except (OSError, http.client.HTTPException, ValueError):
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
                ok = 0
            with lock:
                stats["requests"] += 1
                stats["accepted"] += ok
                stats["other"] += batch - ok
                stats["lat"].append(time.monotonic() - t)
            j += nthreads

    ts = [threading.Thread(target=sender, args=(k,)) for k in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    took = time.monotonic() - t0
    lat = sorted(stats["lat"])
    p = lambda q: lat[min(len(lat) - 1, int(q / 100 * len(lat)))] * 1000 if lat else -1
    print(
        "PACED target_items_per_s=%.0f items_accepted=%d items_not_accepted=%d seconds=%.2f "
        "achieved_items_per_s=%.1f requests=%d late_requests=%d req_p50_ms=%.1f req_p99_ms=%.1f"
        % (rate, stats["accepted"], stats["other"], took, stats["accepted"] / took,
           stats["requests"], stats["late"], p(50), p(99))
    )


if __name__ == "__main__":
    main()
