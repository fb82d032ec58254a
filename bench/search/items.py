#!/usr/bin/env python3
"""Items for the search benchmark, as `ykien ingest --format jsonl` reads them.

Takes the first N texts of bench/intake/texts.py's output (VNTC sentences, then pairs of
consecutive sentences: real news text, measuring use only) and files them across the wards of
Hà Nội (province 01) and Hồ Chí Minh City (79), round robin, with occurrence dates spread
over 2025-2026, and one of four outlet names as the source, round robin (units, dates and
sources are synthetic labels; the texts are real).

    items.py TEXTS UNITS_TSV N OUT
"""

import json
import sys


def main():
    texts, units_tsv, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    units = []
    with open(units_tsv, encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[4] in ("01", "79"):
                units.append(cols[0])
    sources = ["vnexpress", "tuoitre", "thanhnien", "nld"]
    written = 0
    with open(texts, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if written >= n:
                break
            t = json.loads(line)["text"]
            day = i % 700
            month, dom = 1 + (day // 28) % 12, 1 + day % 28
            year = 2025 + (day // 336) % 2
            row = {
                "id": f"s{i}",
                "text": t,
                "unit": units[i % len(units)],
                "source": sources[i % len(sources)],
                "occurred_at": f"{year}-{month:02d}-{dom:02d}",
            }
            dst.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
    print(f"{written} items written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
