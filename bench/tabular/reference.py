#!/usr/bin/env python3
"""scikit-learn reference figures for the tabular models (bench/eval-tabular.ts compares against them).

Run with Debian's scikit-learn (no PyPI needed):

    apt-get install -y python3-sklearn
    /usr/bin/python3 bench/tabular/reference.py

It writes
  bench/tabular/data/<name>.csv     the datasets bundled inside scikit-learn, with a `split` column
  bench/tabular/sklearn-reference.json   every figure, the library versions and a digest of each split

Splits are the workbench's own random split (lib/prepare/split.ts: mulberry32, Fisher-Yates,
splitSizes), ported below bit for bit, so the TypeScript side gets the same rows from
`splitIndices` and checks the digests. The `split` column of the CSVs is that split for the first
seed. The orange-juice regression reads ../shared/datasets/oj/oj-sales-249-series.csv, which is not
copied here (GPL-2+ and 29k rows); it is skipped when the file is absent.

scikit-learn models are fitted on train + validation (they need no early-stopping rows) and scored
on test. Linear and logistic models sit behind a StandardScaler; the forests see raw features.
"""

import csv
import hashlib
import json
import math
import os
import platform
import sys

import numpy as np
import scipy
import sklearn
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, f1_score, mean_squared_error, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA_DIR = os.path.join(HERE, "data")
OUT_FILE = os.path.join(HERE, "sklearn-reference.json")
OJ_FILE = os.path.join(REPO, "..", "shared", "datasets", "oj", "oj-sales-249-series.csv")

# The split the eval uses: the workbench's random split, 20 % validation, 20 % test, several seeds
# (test parts of 30-100 rows are noisy: one iris flower is 0.033 of accuracy).
VALIDATION = 0.2
TEST = 0.2
SEEDS = [42, 43, 44, 45, 46]
RF_TREES = 500
RF_RANDOM_STATE = 0

# ------------------------------------------------------------------------------------------------
# The workbench's split (lib/prepare/split.ts), ported exactly.

MASK = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & MASK


def mulberry32(seed):
    state = seed & MASK

    def random():
        nonlocal state
        state = (state + 0x6D2B79F5) & MASK
        t = state
        t = imul(t ^ (t >> 15), t | 1)
        t = (t ^ ((t + imul(t ^ (t >> 7), t | 61)) & MASK)) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296

    return random


def js_round(x):
    return math.floor(x + 0.5)  # Math.round: halves go up


def split_sizes(n, validation, test):
    n_val = js_round(n * validation)
    n_test = js_round(n * test)
    if n >= 3:
        if validation > 0:
            n_val = max(1, n_val)
        if test > 0:
            n_test = max(1, n_test)
    while n > 0 and n_val + n_test > n - 1:
        if n_test >= n_val:
            n_test -= 1
        else:
            n_val -= 1
    return n - n_val - n_test, n_val, n_test


def shuffled_indices(n, seed):
    order = list(range(n))
    random = mulberry32(seed)
    for i in range(n - 1, 0, -1):
        j = math.floor(random() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


def split_indices(n, seed):
    _, n_val, n_test = split_sizes(n, VALIDATION, TEST)
    order = shuffled_indices(n, seed)
    return {
        "train": sorted(order[n_test + n_val :]),
        "validation": sorted(order[n_test : n_test + n_val]),
        "test": sorted(order[:n_test]),
    }


def digest(indices):
    """sha256 of the ascending row indices joined by commas (bench/eval-tabular.ts computes the same)."""
    return hashlib.sha256(",".join(str(i) for i in indices).encode()).hexdigest()


# ------------------------------------------------------------------------------------------------
# Datasets


def snake(name):
    out = "".join(c if c.isalnum() else "_" for c in name.strip().lower())
    while "__" in out:
        out = out.replace("__", "_")
    return out.strip("_")


def bundled(name, bunch, task, target_name, feature_names=None, class_names=None):
    x = np.asarray(bunch.data, dtype=float)
    features = feature_names or [snake(f) for f in bunch.feature_names]
    if task == "classification":
        names = class_names or [str(c) for c in bunch.target_names]
        y = [names[int(k)] for k in bunch.target]
    else:
        y = [float(v) for v in bunch.target]
    return {"name": name, "task": task, "target": target_name, "features": features, "x": x, "y": y, "onehot": []}


def load_oj():
    """log(Quantity) of a store-week-brand from its price, advert, brand and store demographics."""
    with open(OJ_FILE, newline="") as f:
        rows = list(csv.DictReader(f))
    numeric = ["Price", "Advert", "Age60", "COLLEGE", "INCOME", "Hincome150", "Large HH", "Minorities", "WorkingWoman", "SSTRDIST", "SSTRVOL", "CPDIST5", "CPWVOL5"]
    brands = sorted({r["Brand"] for r in rows})
    x = np.array([[float(r[c]) for c in numeric] + [1.0 if r["Brand"] == b else 0.0 for b in brands] for r in rows])
    y = [float(r["logQuantity"]) for r in rows]
    return {
        "name": "oj",
        "task": "regression",
        "target": "logQuantity",
        "features": numeric + ["Brand"],
        "onehot": ["Brand"],
        "x": x,
        "y": y,
        "source": "../shared/datasets/oj/oj-sales-249-series.csv",
    }


def datasets():
    found = [
        bundled("diabetes", load_diabetes(scaled=False), "regression", "progression"),
        bundled("breast_cancer", load_breast_cancer(), "classification", "diagnosis"),
        bundled("wine", load_wine(), "classification", "cultivar"),
        bundled("iris", load_iris(), "classification", "species"),
        bundled(
            "digits",
            load_digits(),
            "classification",
            "digit",
            feature_names=[f"px_{r}_{c}" for r in range(8) for c in range(8)],
            class_names=[f"d{k}" for k in range(10)],
        ),
    ]
    if os.path.exists(OJ_FILE):
        found.insert(1, load_oj())
    else:
        print(f"skipped oj: {OJ_FILE} not found", file=sys.stderr)
    return found


def fmt(v):
    return repr(float(v)) if not float(v).is_integer() else str(int(v))


def write_csv(d, parts):
    split = ["train"] * len(d["y"])
    for part in ("validation", "test"):
        for i in parts[part]:
            split[i] = part
    path = os.path.join(DATA_DIR, f"{d['name']}.csv")
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(d["features"] + [d["target"], "split"])
        for i, row in enumerate(d["x"]):
            target = d["y"][i] if d["task"] == "classification" else fmt(d["y"][i])
            w.writerow([fmt(v) for v in row] + [target, split[i]])
    return os.path.relpath(path, REPO)


# ------------------------------------------------------------------------------------------------
# Models


def regression_scores(y_true, y_pred):
    return {"r2": float(r2_score(y_true, y_pred)), "rmse": float(math.sqrt(mean_squared_error(y_true, y_pred)))}


def classification_scores(y_true, y_pred):
    return {"accuracy": float(accuracy_score(y_true, y_pred)), "f1Macro": float(f1_score(y_true, y_pred, average="macro"))}


def fit_and_score(d, parts):
    fit_idx = sorted(parts["train"] + parts["validation"])
    test_idx = parts["test"]
    x, y = d["x"], np.asarray(d["y"], dtype=float if d["task"] == "regression" else object)
    xf, yf, xt, yt = x[fit_idx], y[fit_idx], x[test_idx], y[test_idx]
    if d["task"] == "regression":
        models = {
            "linearRegression": make_pipeline(StandardScaler(), LinearRegression()),
            "ridge": make_pipeline(StandardScaler(), Ridge(alpha=1.0)),
            "randomForest": RandomForestRegressor(n_estimators=RF_TREES, random_state=RF_RANDOM_STATE, n_jobs=-1),
        }
        score = regression_scores
    else:
        yf, yt = yf.astype(str), yt.astype(str)
        models = {
            "logisticRegression": make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=10000)),
            "randomForest": RandomForestClassifier(n_estimators=RF_TREES, random_state=RF_RANDOM_STATE, n_jobs=-1),
        }
        score = classification_scores
    out = {}
    for name, m in models.items():
        m.fit(xf, yf)
        if name == "randomForest":
            m.set_params(n_jobs=1)  # threads add the trees' predictions in any order: last digits would vary
        out[name] = score(yt, m.predict(xt))
    return out


def main():
    os.makedirs(DATA_DIR, exist_ok=True)
    out = {
        "generatedBy": "/usr/bin/python3 bench/tabular/reference.py",
        "versions": {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__, "python": platform.python_version()},
        "split": {"method": "random", "validation": VALIDATION, "test": TEST, "seeds": SEEDS, "digest": "sha256 of the ascending test row indices joined by commas"},
        "models": {
            "linearRegression": "StandardScaler + LinearRegression()",
            "ridge": "StandardScaler + Ridge(alpha=1.0)",
            "logisticRegression": "StandardScaler + LogisticRegression(C=1.0, max_iter=10000) (lbfgs, multinomial)",
            "randomForest": f"RandomForest{{Regressor,Classifier}}(n_estimators={RF_TREES}, random_state={RF_RANDOM_STATE}), raw features",
            "fittedOn": "train + validation rows; scored on the test rows",
        },
        "datasets": [],
    }
    for d in datasets():
        n = len(d["y"])
        entry = {"name": d["name"], "task": d["task"], "target": d["target"], "features": d["features"], "onehot": d["onehot"], "rows": n}
        splits = []
        for seed in SEEDS:
            parts = split_indices(n, seed)
            if seed == SEEDS[0]:
                entry["file"] = d.get("source") or write_csv(d, parts)
            scores = fit_and_score(d, parts)
            splits.append(
                {
                    "seed": seed,
                    "rows": {k: len(v) for k, v in parts.items()},
                    "testDigest": digest(parts["test"]),
                    "validationDigest": digest(parts["validation"]),
                    "scores": scores,
                }
            )
            print(f"{d['name']:<14} seed {seed}  " + "  ".join(f"{m}: " + " ".join(f"{k} {v:.4f}" for k, v in s.items()) for m, s in scores.items()), flush=True)
        entry["splits"] = splits
        out["datasets"].append(entry)
    with open(OUT_FILE, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT_FILE, REPO)}")


if __name__ == "__main__":
    main()
