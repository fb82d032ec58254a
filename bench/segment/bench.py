#!/usr/bin/env python3
"""Driver for bench/segment/run.sh: runs the Python anchors and scores every tool alike.

  bench.py prepare DATA OUTDIR          write dev_raw.txt, dev_raw_nodiac.txt, news.txt (~5 MB)
  bench.py segment TOOL IN OUT          segment IN line by line with underthesea|pyvi, write OUT,
                                        print a JSON line with load/process seconds and MB/s
  bench.py f1 CONLLU PRED [--strip]     word P/R/F1 of PRED lines against the gold sentences
  bench.py report OUTDIR                gather OUTDIR/*.json and time_*.txt into a Markdown table

F1 compares word spans over the non-space characters ("_" counts as a space), so tools that
split punctuation differently or rewrite tone placement are scored the same way.
"""
import gzip
import json
import random
import sys
import time
import unicodedata


def conllu_sentences(path):
    sents, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            cur.append(cols[1])
    if cur:
        sents.append(cur)
    return sents


def strip_marks(s):
    """Remove Vietnamese diacritics, keep case: one character in, one character out."""
    out = []
    for c in s:
        if c in "đĐ":
            out.append("d" if c == "đ" else "D")
            continue
        d = unicodedata.normalize("NFD", c)
        base = "".join(x for x in d if not unicodedata.combining(x))
        out.append(base if len(base) == 1 else c)
    return "".join(out)


def spans(words):
    pos, out = 0, []
    for w in words:
        n = sum(1 for c in w if not c.isspace() and c != "_")
        if n:
            out.append((pos, pos + n))
            pos += n
    return out, pos


def cmd_prepare(data, outdir):
    sents = conllu_sentences(f"{data}/words/ud-vi-vtb/vi_vtb-ud-dev.conllu")
    with open(f"{outdir}/dev_raw.txt", "w", encoding="utf-8") as f:
        for s in sents:
            f.write(" ".join(s) + "\n")
    with open(f"{outdir}/dev_raw_nodiac.txt", "w", encoding="utf-8") as f:
        for s in sents:
            f.write(strip_marks(" ".join(s)) + "\n")
    # ~5 MB of news paragraphs: a fixed-seed sample of VNTC articles, one paragraph a line.
    rng = random.Random(20261129)
    paras = []
    with gzip.open(f"{data}/topics/vntc/train_full.jsonl.gz", "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 4:
                continue
            text = json.loads(line)["text"]
            paras.extend(p.strip() for p in text.split("\n") if p.strip())
            if len(paras) > 60000:
                break
    rng.shuffle(paras)
    size = 0
    with open(f"{outdir}/news.txt", "w", encoding="utf-8") as f:
        for p in paras:
            f.write(p + "\n")
            size += len(p.encode()) + 1
            if size >= 5_000_000:
                break
    print(json.dumps({"dev_sentences": len(sents), "news_bytes": size}))


def load(tool):
    if tool == "underthesea":
        from underthesea import word_tokenize

        return lambda s: word_tokenize(s, format="text")
    if tool == "pyvi":
        from pyvi import ViTokenizer

        return ViTokenizer.tokenize
    raise SystemExit(f"unknown tool {tool}")


def cmd_segment(tool, inp, out):
    t0 = time.perf_counter()
    fn = load(tool)
    fn("Hà Nội là thủ đô của Việt Nam.")  # warm-up
    t1 = time.perf_counter()
    with open(inp, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    nbytes = sum(len(l.encode()) + 1 for l in lines)
    t2 = time.perf_counter()
    c2 = time.thread_time()
    res = [fn(l) if l.strip() else "" for l in lines]
    t3 = time.perf_counter()
    c3 = time.thread_time()
    with open(out, "w", encoding="utf-8") as f:
        for r in res:
            f.write(r + "\n")
    print(json.dumps({"tool": tool, "input": inp, "bytes": nbytes, "load_s": round(t1 - t0, 3),
                      "proc_s": round(t3 - t2, 3), "mb_s": round(nbytes / 1e6 / (t3 - t2), 4),
                      "cpu_s": round(c3 - c2, 3), "mb_s_cpu": round(nbytes / 1e6 / (c3 - c2), 4)}))


def cmd_f1(conllu, pred, strip):
    sents = conllu_sentences(conllu)
    with open(pred, encoding="utf-8") as f:
        lines = f.read().split("\n")
    correct = npred = ngold = misaligned = 0
    for i, s in enumerate(sents):
        gold = [strip_marks(w) for w in s] if strip else s
        g, glen = spans(gold)
        p, plen = spans(lines[i].split() if i < len(lines) else [])
        if glen != plen:
            misaligned += 1
        gs = set(g)
        correct += sum(1 for x in p if x in gs)
        npred += len(p)
        ngold += len(g)
    prec = correct / max(npred, 1)
    rec = correct / max(ngold, 1)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    print(json.dumps({"pred": pred, "strip": strip, "sentences": len(sents), "gold": ngold, "predicted": npred,
                      "correct": correct, "P": round(prec, 4), "R": round(rec, 4), "F1": round(f1, 4),
                      "misaligned_sentences": misaligned}))


def cmd_report(outdir):
    import glob
    import os

    def load_json(path):
        with open(path, encoding="utf-8") as f:
            lines = [l for l in f.read().splitlines() if l.startswith("{")]
        return json.loads(lines[-1]) if lines else {}

    def rss_mb(path):
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as f:
            for line in f:
                if "Maximum resident set size" in line:
                    return int(line.split(":")[1]) / 1024
        return None

    tools = ["ykien", "underthesea", "pyvi"]
    rows = {}
    for t in tools:
        f1 = load_json(f"{outdir}/f1_{t}.json") if os.path.exists(f"{outdir}/f1_{t}.json") else {}
        f1n = load_json(f"{outdir}/f1nd_{t}.json") if os.path.exists(f"{outdir}/f1nd_{t}.json") else {}
        sp = load_json(f"{outdir}/speed_{t}.json") if os.path.exists(f"{outdir}/speed_{t}.json") else {}
        rows[t] = {"f1": f1.get("F1"), "f1nd": f1n.get("F1"), "p": f1.get("P"), "r": f1.get("R"),
                   "mb_s": sp.get("mb_s"), "mb_s_cpu": sp.get("mb_s_cpu"), "load_s": sp.get("load_s"),
                   "rss": rss_mb(f"{outdir}/time_{t}.txt")}
    best_f1 = max((rows[t]["f1"] or 0) for t in tools[1:])
    best_nd = max((rows[t]["f1nd"] or 0) for t in tools[1:])
    best_speed = max((rows[t]["mb_s"] or 0) for t in tools[1:])
    best_cpu = max((rows[t]["mb_s_cpu"] or 0) for t in tools[1:])
    out = ["| tool | word F1 (P / R) | F1 without diacritics | MB/s, 1 core (wall) | MB/s (thread CPU time) | load s | peak RSS MB |",
           "|---|---|---|---|---|---|---|"]
    for t in tools:
        r = rows[t]
        fmt = lambda v, d=4: "-" if v is None else f"{v:.{d}f}"
        out.append(f"| {t} | {fmt(r['f1'])} ({fmt(r['p'])} / {fmt(r['r'])}) | {fmt(r['f1nd'])} | {fmt(r['mb_s'], 2)} | {fmt(r['mb_s_cpu'], 2)} | "
                   f"{fmt(r['load_s'], 2)} | {fmt(r['rss'], 0)} |")
    y = rows["ykien"]
    if y["f1"] and best_f1:
        out.append("")
        out.append(f"ykien vs best anchor: F1 {y['f1'] - best_f1:+.4f}, F1 without diacritics {(y['f1nd'] or 0) - best_nd:+.4f}, "
                   f"speed x{(y['mb_s'] or 0) / max(best_speed, 1e-9):.0f} (wall) / x{(y['mb_s_cpu'] or 0) / max(best_cpu, 1e-9):.0f} (CPU time), "
                   f"peak RSS x{(y['rss'] or 0) / max(min((rows[t]['rss'] or 1e9) for t in tools[1:]), 1e-9):.2f} of the smallest anchor")
    print("\n".join(out))


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["prepare"]:
        cmd_prepare(a[1], a[2])
    elif a[:1] == ["segment"]:
        rest = [x for x in a[2:] if x != "--out"]
        cmd_segment(a[1], rest[0], rest[1])
    elif a[:1] == ["f1"]:
        cmd_f1(a[1], a[2], "--strip" in a)
    elif a[:1] == ["report"]:
        cmd_report(a[1])
    else:
        raise SystemExit(__doc__)
