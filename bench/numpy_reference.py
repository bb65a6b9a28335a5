#!/usr/bin/python3
"""A vectorised numpy implementation of the GDP-only model, for the "one core vs numpy" comparison.

Usage: /usr/bin/python3 bench/numpy_reference.py MANIFEST.json [--paths N]
MANIFEST.json is any run's manifest (its resolved_scenario is the model; firms blocks are ignored).
Simulates national growth and inflation (AR(1)), correlated district shocks (Cholesky; Student-t scaled to
unit variance), lognormal/ar1 growth and GDP levels for N paths with numpy's default generator, then the
per-cell mean, sd and the scenario's quantiles, and prints the wall time of each part. Same equations as
docs/models.md; different random numbers (numpy's PCG64, not Philox), so only the timing is compared.
Needs Debian's python3-numpy (`scripts/setup --bench`).
"""
import argparse
import json
import sys
import time

import numpy as np


def innovations(rng, spec, shape):
    if spec.get("shocks") == "student_t":
        dof = spec["dof"]
        return rng.standard_t(dof, size=shape) * np.sqrt((dof - 2.0) / dof)
    return rng.standard_normal(shape)


def ar1_path(rng, spec, n, horizon):
    eta = innovations(rng, spec, (n, horizon))
    x = np.empty((n, horizon))
    previous = np.full(n, spec["initial"])
    for t in range(horizon):
        previous = spec["mean"] + spec["persistence"] * (previous - spec["mean"]) + spec["volatility"] * eta[:, t]
        x[:, t] = previous
    return x


def simulate(scenario, n, seed):
    rng = np.random.default_rng(seed)
    horizon = scenario["horizon"]
    districts = scenario["districts"]
    d_count = len(districts)
    national = scenario["national"]
    dev = np.zeros((n, horizon))
    dev0 = 0.0
    if "growth" in national:
        g = national["growth"]
        dev = ar1_path(rng, g, n, horizon) - g["mean"]
        dev0 = g["initial"] - g["mean"]
    inflation = ar1_path(rng, national["inflation"], n, horizon) if "inflation" in national else np.zeros((n, horizon))
    z = np.stack([innovations(rng, d["growth"], (n, horizon)) for d in districts], axis=1)  # (n, D, H)
    corr = np.eye(d_count)
    ids = [d["id"] for d in districts]
    for a, b, rho in scenario["correlation"]:
        corr[ids.index(a), ids.index(b)] = corr[ids.index(b), ids.index(a)] = rho
    eps = np.einsum("de,neh->ndh", np.linalg.cholesky(corr), z) if scenario["correlation"] else z
    gdp = np.empty((n, d_count, horizon))
    growth = np.empty((n, d_count, horizon))
    for k, d in enumerate(districts):
        g = d["growth"]
        if g["model"] == "ar1":
            initial = g["initial"] if g["initial"] is not None else g["mean"] + g["national_beta"] * dev0
            u = np.full(n, initial - g["mean"] - g["national_beta"] * dev0)
            for t in range(horizon):
                u = g["persistence"] * u + g["volatility"] * eps[:, k, t]
                growth[:, k, t] = g["mean"] + g["national_beta"] * dev[:, t] + u
        else:
            growth[:, k, :] = g["mean"] + g["national_beta"] * dev + g["volatility"] * eps[:, k, :]
        gdp[:, k, :] = d["gdp"] * np.exp(np.cumsum(growth[:, k, :] + inflation, axis=1))
    return gdp, growth


def statistics(cells, quantiles):
    flat = cells.reshape(cells.shape[0], -1)
    return flat.mean(axis=0), flat.std(axis=0, ddof=1), np.quantile(flat, quantiles, axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("manifest")
    parser.add_argument("--paths", type=int, default=200000)
    args = parser.parse_args()
    scenario = json.load(open(args.manifest))["resolved_scenario"]
    start = time.perf_counter()
    gdp, growth = simulate(scenario, args.paths, scenario["seed"])
    simulated = time.perf_counter()
    quantiles = scenario["outputs"]["quantiles"]
    statistics(gdp, quantiles)
    statistics(growth, quantiles)
    done = time.perf_counter()
    years = args.paths * scenario["horizon"]
    print(f"numpy {np.__version__}: {args.paths:,} paths x {scenario['horizon']} years, "
          f"{len(scenario['districts'])} districts (GDP only)")
    print(f"  simulate: {simulated - start:.3f} s   statistics (mean, sd, {len(quantiles)} quantiles per cell): "
          f"{done - simulated:.3f} s   total {done - start:.3f} s   ({years / (done - start) / 1e6:.2f} M path-years/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
