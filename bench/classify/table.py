"""Prints the benchmark table from classify_results.jsonl. Speed-ups are ykien's first row
(its default topic model) over each scikit-learn row, on CPU time (the machine is shared,
so wall-clock times also carry other processes' load) and on wall-clock time."""
import json, sys

rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.startswith("{")]
ours = next(r for r in rows if r["system"].startswith("ykien"))
print("| system | accuracy | macro-F1 | train s (CPU / wall) | predict docs/s (CPU / wall) "
      "| train speed-up (CPU / wall) | predict speed-up (CPU / wall) | Δ accuracy |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    if r["system"].startswith("sklearn"):
        tr = (f"{r['train_cpu_s'] / ours['train_cpu_s']:.1f}× / "
              f"{r['train_s'] / ours['train_s']:.1f}×")
        pr = (f"{ours['predict_cpu_docs_per_s'] / r['predict_cpu_docs_per_s']:.1f}× / "
              f"{ours['predict_docs_per_s'] / r['predict_docs_per_s']:.1f}×")
        da = f"{(ours['accuracy'] - r['accuracy']) * 100:+.2f} pt"
    else:
        tr = pr = da = ""
    print(f"| {r['system']} | {r['accuracy']:.4f} | {r['macro_f1']:.4f} | "
          f"{r['train_cpu_s']:.1f} / {r['train_s']:.1f} | "
          f"{r['predict_cpu_docs_per_s']:,.0f} / {r['predict_docs_per_s']:,.0f} | {tr} | {pr} | {da} |")
