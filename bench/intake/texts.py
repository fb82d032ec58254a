#!/usr/bin/env python3
"""Real Vietnamese texts for the intake and search benchmarks, one per line.

Reads VNTC (news articles, train split; see ../shared/data/topics/vntc/SOURCE.txt) and writes
its sentences (30-600 characters), then pairs of consecutive sentences, until N distinct lines
are written. Nothing here is copied into the repository: the output goes where the caller
says (under /tmp or ~/.cache). Each line is JSON: {"text": ..., "topic": VNTC label}.

    texts.py VNTC_JSONL_GZ OUT N
"""

import gzip
import json
import re
import sys

SPLIT = re.compile(r"(?<=[.!?…])\s+|\n+")


def sentences(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            sents = [s.strip() for s in SPLIT.split(doc["text"])]
            yield doc["label"], [s for s in sents if 30 <= len(s) <= 600]


def main():
    src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    seen = set()
    written = 0
    with open(out, "w", encoding="utf-8") as f:

        def put(text, label):
            nonlocal written
            if written >= n or text in seen:
                return
            seen.add(text)
            f.write(json.dumps({"text": text, "topic": label}, ensure_ascii=False) + "\n")
            written += 1

        # Pass 1: single sentences; pass 2: two consecutive sentences.
        for label, sents in sentences(src):
            for s in sents:
                put(s, label)
        for label, sents in sentences(src):
            for a, b in zip(sents, sents[1:]):
                put(a + " " + b, label)
            if written >= n:
                break
    print(f"{written} texts written to {out}", file=sys.stderr)
    if written < n:
        sys.exit(f"only {written} distinct texts available (asked for {n})")


if __name__ == "__main__":
    main()
