"""scikit-learn baselines on the same split: TF-IDF (lower-cased word uni+bigrams, sublinear
tf, the same \\w+ tokens as ykien) + LinearSVC and + LogisticRegression, default C.

usage: sklearn_bench.py TRAIN.jsonl DEV.jsonl [--chars]
Prints one JSON line per system, with wall-clock and CPU (process) times. The vectorizer's fit time counts towards each
classifier's training time and its transform time towards prediction.
Run under `taskset -c 0` with OMP/BLAS threads at 1 for a one-core figure.
"""
import json, sys, time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC


def read(path):
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            texts.append(d["text"])
            labels.append(d["label"])
    return texts, labels


tr_x, tr_y = read(sys.argv[1])
dv_x, dv_y = read(sys.argv[2])
variants = [("words 1-2", dict(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b"))]
if "--chars" in sys.argv:
    variants.append(("char_wb 2-4", dict(analyzer="char_wb", ngram_range=(2, 4))))
for name, opts in variants:
    vec = TfidfVectorizer(lowercase=True, sublinear_tf=True, **opts)
    t, c = time.perf_counter(), time.process_time()
    X = vec.fit_transform(tr_x)
    vec_fit, vec_fit_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    D = vec.transform(dv_x)
    vec_tr, vec_tr_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"# {name}: {X.shape[1]} features, fit {vec_fit:.1f}s, transform dev {vec_tr:.1f}s", file=sys.stderr)
    for cname, clf in (("LinearSVC", LinearSVC()), ("LogisticRegression", LogisticRegression(max_iter=1000))):
        t, c = time.perf_counter(), time.process_time()
        clf.fit(X, tr_y)
        fit, fit_cpu = time.perf_counter() - t, time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        pred = clf.predict(D)
        pr, pr_cpu = time.perf_counter() - t, time.process_time() - c
        print(json.dumps({
            "system": f"sklearn tfidf {name} + {cname}",
            "accuracy": round(accuracy_score(dv_y, pred), 4),
            "macro_f1": round(f1_score(dv_y, pred, average="macro"), 4),
            "train_s": round(vec_fit + fit, 3),
            "predict_s": round(vec_tr + pr, 3),
            "predict_docs_per_s": round(len(dv_x) / (vec_tr + pr)),
            "train_cpu_s": round(vec_fit_cpu + fit_cpu, 3),
            "predict_cpu_docs_per_s": round(len(dv_x) / (vec_tr_cpu + pr_cpu)),
        }), flush=True)
