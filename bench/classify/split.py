"""Deterministic stratified dev split of the VNTC train split (the test split is withheld).

usage: split.py TRAIN_FULL.jsonl.gz OUT_DIR [DEV_FRACTION] [SEED]
Writes OUT_DIR/vntc_train.jsonl and OUT_DIR/vntc_dev.jsonl ({"text", "label"} per line).
Within each label the documents are sorted by id, shuffled with a fixed seed, and the
first DEV_FRACTION go to dev, so the split never depends on file order.
"""
import gzip, json, os, random, sys

src, out = sys.argv[1], sys.argv[2]
frac = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 20261129
by_label = {}
with gzip.open(src, "rt", encoding="utf-8") as f:
    for line in f:
        d = json.loads(line)
        by_label.setdefault(d["label"], []).append(d)
train, dev = [], []
for label in sorted(by_label):
    docs = sorted(by_label[label], key=lambda d: d["id"])
    random.Random(f"{seed}:{label}").shuffle(docs)
    n_dev = round(len(docs) * frac)
    dev += docs[:n_dev]
    train += docs[n_dev:]
# Interleave labels so that file order carries no signal.
random.Random(seed).shuffle(train)
random.Random(seed + 1).shuffle(dev)
os.makedirs(out, exist_ok=True)
for name, rows in (("vntc_train.jsonl", train), ("vntc_dev.jsonl", dev)):
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        for d in rows:
            f.write(json.dumps({"text": d["text"], "label": d["label"]}, ensure_ascii=False) + "\n")
print(f"train {len(train)}  dev {len(dev)}  labels {len(by_label)}", file=sys.stderr)
