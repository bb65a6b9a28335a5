#!/usr/bin/env python3
"""Peak resident memory of whole runs at several path counts (docs/performance.md).

Usage: bench/peak_rss.py [--exe build/districtcast] [--scenario scenarios/trillion_club.yaml]
                         [--threads N] PATHS [PATHS ...]
Prints one line per run (peak RSS from the kernel's accounting of the child, wall time, paths/s) and the
ratio of the largest run's peak RSS to the smallest's. Exit code 1 if the ratio exceeds --max-ratio.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time


def peak_rss_kib(cmd):
    """Runs cmd in a fresh child (via a wrapper process, so the rusage is this run's alone)."""
    code = ("import resource,subprocess,sys;"
            "subprocess.run(sys.argv[1:],check=True,stdout=subprocess.DEVNULL);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code] + cmd, check=True, capture_output=True, text=True)
    return int(out.stdout.strip())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exe", default="build/districtcast")
    parser.add_argument("--scenario", default="scenarios/trillion_club.yaml")
    parser.add_argument("--threads", default=str(os.cpu_count()))
    parser.add_argument("--max-ratio", type=float, default=None)
    parser.add_argument("paths", nargs="+", type=int)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.paths:
            out = os.path.join(tmp, f"run{n}")
            start = time.time()
            kib = peak_rss_kib([args.exe, "run", args.scenario, "--paths", str(n), "--threads", args.threads,
                                "--out", out, "--quiet"])
            wall = time.time() - start
            results.append((n, kib))
            print(f"{n:>12,} paths  peak RSS {kib / 1024:8.1f} MiB  wall {wall:8.2f} s  {n / wall:12,.0f} paths/s",
                  flush=True)
    ratio = results[-1][1] / results[0][1]
    print(f"peak RSS ratio {results[-1][0]:,} / {results[0][0]:,} paths: {ratio:.3f}")
    if args.max_ratio is not None and ratio > args.max_ratio:
        print(f"FAIL: ratio above {args.max_ratio}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
