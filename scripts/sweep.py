#!/usr/bin/python3
"""Run a scenario over a Cartesian grid of arguments, in parallel and resumably."""

import argparse
import concurrent.futures
import csv
import hashlib
import io
import itertools
import json
import os
import re
import subprocess
import sys
import time

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
STDERR_TAIL_LINES = 20
MAX_NAME_LENGTH = 120

EPILOG = """\
Every combination of the --grid values (times --replications, which adds
--RngRun=1..R) is one run:
  PROGRAM [--fixed args] --ARG=VALUE ... [--RngRun=R] --outDir=OUT/runs/NAME
where NAME is built from the run's grid arguments, e.g. numUes=4_scheduler=pf_RngRun=2.
Its stdout and stderr go to OUT/logs/NAME.stdout and .stderr.

A run is finished when OUT/runs/NAME/run.json exists (scenarios write that sidecar
last, atomically); finished runs are skipped, so an interrupted sweep continues
where it stopped when invoked again with the same arguments. The program path and
--fixed arguments are recorded in OUT/sweep.json and must not change between
invocations (results would mix); extending the grid is fine.

At the end OUT/sweep.csv is written atomically: one row per finished run of the
grid, with the columns run, the grid arguments, then the columns of the run's
summary.csv (a one-row CSV; a column whose name clashes with a grid argument is
renamed summary.NAME).

exit status: 0 all runs finished, 1 some run failed (the others still ran),
2 usage error.

example:
  sweep.py --program build/radio-cell --out results/bw --grid bandwidthMHz=20,50,100 \\
      --grid scheduler=rr,pf --fixed=--simTimeS=2 --replications 5 --jobs 2
"""


class UsageError(Exception):
    pass


def normalise_argv(argv):
    """Joins '--fixed VALUE' into '--fixed=VALUE': argparse refuses a separate value
    that starts with '-', yet fixed arguments always do."""
    out, i = [], 0
    while i < len(argv):
        if argv[i] in ("--fixed", "--grid") and i + 1 < len(argv):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def parse_grid(items):
    """'arg=v1,v2' items -> [(arg, [v1, v2]), ...] in the given order."""
    grid = []
    for item in items:
        name, sep, values_text = item.partition("=")
        name = name.lstrip("-")
        values = values_text.split(",")
        if not sep or not name or any(v == "" for v in values):
            raise UsageError(f"--grid {item!r}: expected ARG=V1,V2,... with non-empty values")
        if len(set(values)) != len(values):
            raise UsageError(f"--grid {item!r}: a value is listed twice")
        if name in (g[0] for g in grid) or name in ("outDir", "RngRun"):
            raise UsageError(f"--grid {item!r}: argument {name} is given twice or reserved")
        grid.append((name, values))
    return grid


def run_name(params):
    """A stable directory name from the run's arguments; unsafe characters are
    replaced and then a hash of the exact arguments keeps names distinct."""
    raw = "_".join(f"{k}={v}" for k, v in params) or "default"
    safe = re.sub(r"[^A-Za-z0-9._=+-]", "-", raw)
    if safe != raw or len(safe) > MAX_NAME_LENGTH:
        digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:10]
        safe = f"{safe[:MAX_NAME_LENGTH]}-{digest}"
    return safe


def write_atomically(path, text):
    """Writes text to path through a temporary file and a rename."""
    tmp = f"{path}.tmp.{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def check_sweep_record(out_dir, program, fixed):
    """Records program and fixed arguments on the first invocation; refuses a resume
    with different ones."""
    record_path = os.path.join(out_dir, "sweep.json")
    record = {"program": program, "fixed": fixed}
    if os.path.exists(record_path):
        with open(record_path, encoding="utf-8") as f:
            previous = json.load(f)
        if previous != record:
            raise UsageError(
                f"{out_dir} holds a sweep of {previous} but this one is {record}; use "
                f"another --out, or delete {record_path} if the change cannot alter results")
    else:
        write_atomically(record_path, json.dumps(record, indent=2) + "\n")


def execute(run, program, fixed, logs_dir):
    """Runs one scenario; returns (run, error text or None, seconds)."""
    start = time.monotonic()
    command = ([program] + fixed + [f"--{k}={v}" for k, v in run["params"]]
               + [f"--outDir={run['out']}"])
    stdout_path = os.path.join(logs_dir, run["name"] + ".stdout")
    stderr_path = os.path.join(logs_dir, run["name"] + ".stderr")
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        try:
            code = subprocess.run(command, stdout=out, stderr=err,
                                  stdin=subprocess.DEVNULL).returncode
        except OSError as e:
            return run, f"cannot start {program}: {e.strerror}", 0.0
    seconds = time.monotonic() - start
    if code != 0:
        reason = f"exit status {code}" if code > 0 else f"killed by signal {-code}"
    elif not os.path.exists(os.path.join(run["out"], "run.json")):
        reason = "exited 0 but wrote no run.json"
    else:
        return run, None, seconds
    with open(stderr_path, encoding="utf-8", errors="replace") as f:
        tail = f.read().splitlines()[-STDERR_TAIL_LINES:]
    details = "\n".join("    " + line for line in tail) or "    (stderr empty)"
    return run, f"{reason}; stderr tail ({stderr_path}):\n{details}", seconds


def read_summary(run):
    """Returns (header, row) of the run's one-row summary.csv."""
    path = os.path.join(run["out"], "summary.csv")
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise ValueError(f"cannot read {path}: {e.strerror}") from e
    if len(rows) != 2 or len(rows[0]) != len(rows[1]):
        raise ValueError(f"{path}: expected a header and exactly one row of the same width")
    return rows[0], rows[1]


def sweep_table(runs, grid_names):
    """Returns (CSV text of the finished runs, list of errors)."""
    columns = ["run"] + grid_names
    rows, errors = [], []
    for run in runs:
        try:
            header, values = read_summary(run)
        except ValueError as e:
            errors.append(f"{run['name']}: {e}")
            continue
        row = {"run": run["name"], **dict(run["params"])}
        for name, value in zip(header, values):
            key = f"summary.{name}" if name in columns[: len(grid_names) + 1] else name
            if key not in columns:
                columns.append(key)
            row[key] = value
        rows.append(row)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue(), errors


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run a scenario program over a grid of arguments in parallel, skip\n"
                    "runs that already finished, and collect every run's summary.csv\n"
                    "into OUT/sweep.csv.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--program", required=True, help="scenario executable")
    parser.add_argument("--out", required=True, metavar="DIR", help="sweep directory")
    parser.add_argument("--grid", action="append", default=[], metavar="ARG=V1,V2",
                        help="argument and its values (repeatable; the sweep runs the "
                             "Cartesian product)")
    parser.add_argument("--fixed", action="append", default=[], metavar="--ARG=V",
                        help="argument passed unchanged to every run (repeatable)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="runs in parallel (default: number of CPUs, %(default)s)")
    parser.add_argument("--replications", type=int, default=0, metavar="R",
                        help="add --RngRun=1..R to every combination (default: none)")
    args = parser.parse_args(normalise_argv(sys.argv[1:] if argv is None else argv))

    try:
        if args.jobs < 1 or args.replications < 0:
            raise UsageError("--jobs must be >= 1 and --replications >= 0")
        program = os.path.abspath(args.program)
        if not (os.path.isfile(program) and os.access(program, os.X_OK)):
            raise UsageError(f"--program {args.program}: not an executable file")
        grid = parse_grid(args.grid)
        if args.replications:
            grid.append(("RngRun", [str(r) for r in range(1, args.replications + 1)]))
        out_dir = os.path.abspath(args.out)
        runs_dir, logs_dir = os.path.join(out_dir, "runs"), os.path.join(out_dir, "logs")
        try:
            os.makedirs(runs_dir, exist_ok=True)
            os.makedirs(logs_dir, exist_ok=True)
        except OSError as e:
            raise UsageError(f"cannot create {e.filename}: {e.strerror}") from e
        check_sweep_record(out_dir, program, args.fixed)
    except UsageError as e:
        print(f"sweep: error: {e}", file=sys.stderr)
        return EXIT_USAGE

    names = [name for name, _ in grid]
    runs = []
    for values in itertools.product(*(values for _, values in grid)):
        params = list(zip(names, values))
        name = run_name(params)
        runs.append({"params": params, "name": name, "out": os.path.join(runs_dir, name)})
    todo = [r for r in runs if not os.path.exists(os.path.join(r["out"], "run.json"))]
    print(f"sweep: {len(runs)} runs, {len(runs) - len(todo)} already finished, "
          f"{len(todo)} to run with {args.jobs} jobs", flush=True)

    failures = []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs)
    try:
        futures = [pool.submit(execute, run, program, args.fixed, logs_dir) for run in todo]
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            run, error, seconds = future.result()
            status = "ok" if error is None else "FAILED"
            print(f"[{done}/{len(todo)}] {status} {run['name']} ({seconds:.1f} s)", flush=True)
            if error is not None:
                print(f"  {run['name']}: {error}", file=sys.stderr, flush=True)
                failures.append(run["name"])
    except KeyboardInterrupt:
        # The running scenarios got the SIGINT too; do not start the queued ones.
        pool.shutdown(wait=True, cancel_futures=True)
        print("sweep: interrupted; invoke again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    pool.shutdown()

    finished = [r for r in runs if os.path.exists(os.path.join(r["out"], "run.json"))]
    table, errors = sweep_table(finished, names)
    sweep_csv = os.path.join(out_dir, "sweep.csv")
    write_atomically(sweep_csv, table)
    for error in errors:
        print(f"sweep: {error}", file=sys.stderr)
    print(f"sweep: wrote {sweep_csv} ({len(finished) - len(errors)} runs)")
    if failures or errors:
        print(f"sweep: {len(failures)} run(s) failed, {len(errors)} summary error(s): "
              f"{', '.join(failures + [e.split(':')[0] for e in errors])}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
