"""Times the workspace pages for a city leader and a ward officer (see run.sh)."""
import http.cookiejar
import json
import re
import sqlite3
import statistics
import sys
import time
import urllib.parse
import urllib.request

base, token, runs, db = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def login(email):
    o = opener()
    page = o.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrf": csrf, "login": email, "password": "bench-pass-2026"}
    ).encode()
    o.open(base + "/login", body).read()
    return o


# Cases from the ward's items, through the API, as officers open them.
ids = [r[0] for r in sqlite3.connect(db).execute(
    "SELECT id FROM items WHERE unit_id = '00004' ORDER BY id LIMIT 60")]
case_ids = []
for i in ids:
    req = urllib.request.Request(
        base + "/api/v1/cases",
        json.dumps({"title": f"Vụ việc thử {i}", "items": [i]}).encode(),
        {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    )
    try:
        case_ids.append(json.loads(urllib.request.urlopen(req).read())["id"])
    except urllib.error.HTTPError:
        pass
item = ids[0] if ids else 1
case = case_ids[0] if case_ids else 1
n_items = sqlite3.connect(db).execute("SELECT COUNT(*) FROM items").fetchone()[0]
print(f"demo data: {n_items} items, {len(case_ids)} cases; {runs} timed runs per page")
pages = [
    ("leader", "/"),
    ("leader", "/dashboard/01?period=90"),
    ("leader", "/dashboard/01/map?period=30"),
    ("officer", "/dashboard/00004?period=30"),
    ("leader", "/items"),
    ("leader", "/items?q=ngap+ung&period=90"),
    ("officer", "/items?topic=environment"),
    ("officer", f"/items/{item}"),
    ("leader", "/cases"),
    ("officer", f"/cases/{case}"),
    ("officer", f"/cases/new?item={item}"),
    ("officer", "/alerts"),
    ("leader", "/admin/rules"),
    ("leader", "/admin/sources"),
    ("leader", "/admin/taxonomy"),
]
who = {"leader": login("leader@bench.test"), "officer": login("officer@bench.test")}
print(f"{'page':45} {'as':8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
for role, path in pages:
    o = who[role]
    o.open(base + path).read()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = o.open(base + path)
        r.read()
        times.append((time.perf_counter() - t) * 1000)
        assert r.status == 200, (path, r.status)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"{path:45} {role:8} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}")
