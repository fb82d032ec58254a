#!/usr/bin/env python3
"""Items for the report benchmark, as `ykien ingest --format jsonl` reads them.

Takes the first N texts of bench/intake/texts.py's output (VNTC sentences: real news text,
measuring use only) and files them across Hà Nội's 126 communes and wards (province 01),
round robin: two thirds heard in the reported month, one third in the month before, so that
every comparison with the previous period has something to compare. Units, dates and sources
are synthetic labels; the texts are real.

    items.py TEXTS UNITS_TSV N YEAR MONTH OUT
"""

import json
import sys


def main():
    texts, units_tsv, n, year, month, out = sys.argv[1:7]
    n, year, month = int(n), int(year), int(month)
    units = []
    with open(units_tsv, encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[4] == "01":
                units.append(cols[0])
    prev_year, prev_month = (year, month - 1) if month > 1 else (year - 1, 12)
    sources = ["vnexpress", "tuoitre", "thanhnien", "nld"]
    written = 0
    with open(texts, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for i, line in enumerate(src):
            if written >= n:
                break
            y, m = (prev_year, prev_month) if i % 3 == 2 else (year, month)
            row = {
                "id": f"r{i}",
                "text": json.loads(line)["text"],
                "unit": units[i % len(units)],
                "source": sources[i % len(sources)],
                "occurred_at": f"{y}-{m:02d}-{1 + (i // 7) % 28:02d}",
            }
            dst.write(json.dumps(row, ensure_ascii=False) + "\n")
            written += 1
    print(f"{written} items written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
