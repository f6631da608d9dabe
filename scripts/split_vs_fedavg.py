#!/usr/bin/env python3
"""Summarises split-fedft runs of different schemes as a markdown table: bytes per
selected device and round, simulated time per round, final validation NMSE, and the
simulated time at which each run first reaches a common target NMSE.

The target is fixed before looking at the times: the best NMSE of the run whose best is
worst, so that every run reaches it (for runs that all improve on the base)."""
import csv
import sys
from pathlib import Path


def load(run_dir):
    rows = list(csv.DictReader(open(Path(run_dir) / "rounds.csv")))
    summary = next(csv.DictReader(open(Path(run_dir) / "summary.csv")))
    return rows, summary


def main(run_dirs):
    runs = {Path(d).name: load(d) for d in run_dirs}
    best = {name: min(float(r["val_nmse_db"]) for r in rows) for name, (rows, _) in runs.items()}
    target = max(best.values())
    print(f"target NMSE: {target:.2f} dB (the best of the run that improves least)\n")
    print("| run | MB up / device / round | MB down / device / round | simulated s / round "
          "| pretrained NMSE (dB) | final NMSE (dB) | simulated s to target | GB moved to target |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (rows, summary) in runs.items():
        selected = sum(int(r["selected"]) for r in rows)
        up = sum(int(r["bytes_up"]) for r in rows) / selected / 1e6
        down = sum(int(r["bytes_down"]) for r in rows) / selected / 1e6
        per_round = float(rows[-1]["end_s"]) / len(rows)
        reached = next(r for r in rows if float(r["val_nmse_db"]) <= target)
        moved = 0
        for r in rows:
            moved += int(r["bytes_up"]) + int(r["bytes_down"])
            if r is reached:
                break
        print(f"| {name} | {up:.1f} | {down:.1f} | {per_round:.1f} | "
              f"{float(summary['pretrained_nmse_db']):.2f} | {float(summary['final_nmse_db']):.2f} | "
              f"{float(reached['end_s']):.1f} (round {reached['round']}) | {moved / 1e9:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: split_vs_fedavg.py RUN_DIR RUN_DIR [...]")
    main(sys.argv[1:])
