"""The batch job's work in pandas + scikit-learn: the baseline `npm run bench` prints beside the
workbench's batch job (BENCH_ONLY=batchdata).

Fits the recipe's steps (impute, date parts, one-hot, scale: the same JSON the workbench's recipe
takes) and an MLPRegressor on the small training CSV, untimed, as the deployed model was trained
before its job. Then, timed: read the batch CSV, apply the fitted steps, predict every row, and
write the input columns with a `prediction` column as CSV, as the job's output.csv has them.
Prints one JSON line: seconds per stage and in all, rows, and peak RSS (MiB, getrusage).

usage: python3 bench/batch-baseline.py STEPS.json TRAIN.csv TARGET BATCH.csv OUT.csv
"""

import json
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor


def date_parts(column, parts):
    """A date column's parts as numbers, named `<column>_<part>` like the workbench's datepart step."""
    d = pd.to_datetime(column, errors="coerce")
    of = {
        "year": lambda: d.dt.year,
        "month": lambda: d.dt.month,
        "week": lambda: d.dt.isocalendar().week,
        "dayofweek": lambda: d.dt.dayofweek,
        "dayofyear": lambda: d.dt.dayofyear,
    }
    return {f"{column.name}_{p}": of[p]().astype("float64") for p in parts}


def fit_step(step, df):
    """What a step learns from the training rows (None for a step that learns nothing)."""
    op, columns = step["op"], step["columns"]
    if op == "impute":
        return {c: df[c].mean() for c in columns}
    if op == "onehot":
        return {c: list(df[c].value_counts().index) for c in columns}
    if op == "scale":
        return {c: (df[c].mean(), df[c].std(ddof=0) or 1.0) for c in columns}
    return None


def apply_step(step, state, df):
    """The frame after one fitted step; the frame given is left as it was."""
    op = step["op"]
    if op == "impute":
        return df.fillna(state)
    if op == "datepart":
        for c in step["columns"]:
            df = df.drop(columns=[c]).assign(**date_parts(df[c], step["parts"]))
        return df
    if op == "onehot":
        for c, categories in state.items():
            df = df.drop(columns=[c]).assign(**{f"{c}={k}": (df[c] == k).astype("float32") for k in categories})
        return df
    if op == "scale":
        return df.assign(**{c: (df[c] - mean) / std for c, (mean, std) in state.items()})
    raise SystemExit(f"batch-baseline.py: no {op} step here")


def main(steps_file, train_file, target, batch_file, out_file):
    with open(steps_file) as f:
        steps = json.load(f)
    train = pd.read_csv(train_file)
    y = train.pop(target).to_numpy(np.float64)
    fitted = []
    for step in steps:
        state = fit_step(step, train)
        fitted.append((step, state))
        train = apply_step(step, state, train)
    features = list(train.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPRegressor(hidden_layer_sizes=(64, 32), max_iter=50, random_state=1)
        model.fit(train[features].to_numpy(np.float32), (y - y.mean()) / y.std())

    t0 = time.perf_counter()
    rows = pd.read_csv(batch_file)
    t1 = time.perf_counter()
    x = rows
    for step, state in fitted:
        x = apply_step(step, state, x)
    matrix = x[features].to_numpy(np.float32)
    t2 = time.perf_counter()
    prediction = model.predict(matrix) * y.std() + y.mean()
    t3 = time.perf_counter()
    rows.assign(prediction=prediction).to_csv(out_file, index=False)
    t4 = time.perf_counter()
    print(
        json.dumps(
            {
                "rows": len(rows),
                "read": t1 - t0,
                "transform": t2 - t1,
                "predict": t3 - t2,
                "write": t4 - t3,
                "total": t4 - t0,
                # ru_maxrss is in KiB on Linux.
                "peakMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:6])
