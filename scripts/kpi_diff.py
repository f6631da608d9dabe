#!/usr/bin/python3
"""Compare two KPI traces (CSV with a header) within numeric tolerances."""

import argparse
import csv
import math
import sys

EXIT_EQUAL, EXIT_DIFFERENT, EXIT_USAGE = 0, 1, 2

EPILOG = """\
A numeric cell passes if |new - ref| <= abs_tol or |new - ref| <= rel_tol * |ref|,
with the tolerances of its column (--abs-tol/--rel-tol) or the defaults. nan equals
nan and inf equals inf of the same sign. A cell that is not a number in both files
(text) must be equal character for character.

Rows are compared in file order, or matched by the --key columns (whose cells must
be equal text) when the two files may list them in different orders.

exit status: 0 equal within tolerance, 1 any difference (header, row count, cell),
2 usage or file error.

examples:
  kpi_diff.py golden/slots.csv out/slots.csv
  kpi_diff.py ref.csv new.csv --default-rel 1e-9 --abs-tol sinr_db=0.01 --key time_s,ue
"""


class UsageError(Exception):
    pass


def parse_tolerances(items, option):
    tolerances = {}
    for item in items:
        column, sep, value = item.partition("=")
        try:
            tol = float(value)
        except ValueError:
            tol = -1.0
        if not sep or not column or not tol >= 0:
            raise UsageError(f"{option} {item!r}: expected COLUMN=X with X >= 0")
        tolerances[column] = tol
    return tolerances


def read_csv(path):
    """Returns (header, rows, line numbers of the rows)."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise UsageError(f"{path}: empty file, expected a header line")
            rows, lines = [], []
            for row in reader:
                if len(row) != len(header):
                    raise UsageError(
                        f"{path}:{reader.line_num}: {len(row)} cells, header has {len(header)}"
                    )
                rows.append(row)
                lines.append(reader.line_num)
            return header, rows, lines
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror}") from e
    except (csv.Error, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: not a readable CSV file: {e}") from e


def to_number(cell):
    try:
        return float(cell)
    except ValueError:
        return None


class ColumnStats:
    def __init__(self):
        self.max_abs = 0.0
        self.max_rel = 0.0
        self.mismatches = 0
        self.numeric = False  # whether any cell of the column was compared as a number


def compare_cell(ref, new, abs_tol, rel_tol, stats):
    """Returns (passed, abs difference or None for text)."""
    a, b = to_number(ref), to_number(new)
    if a is None or b is None:
        return ref == new, None
    stats.numeric = True
    if not (math.isfinite(a) and math.isfinite(b)):
        same = (math.isnan(a) and math.isnan(b)) or a == b
        if not same:
            stats.max_abs = stats.max_rel = math.inf
        return same, (0.0 if same else math.inf)
    diff = abs(b - a)
    rel = diff / abs(a) if a != 0 else (math.inf if diff > 0 else 0.0)
    stats.max_abs = max(stats.max_abs, diff)
    stats.max_rel = max(stats.max_rel, rel)
    return diff <= abs_tol or diff <= rel_tol * abs(a), diff


def pair_rows(ref_rows, new_rows, ref_lines, new_lines, header, key, problems):
    """Yields (label, ref_row, new_row); records unmatched rows in problems."""
    if not key:
        for i, (r, n) in enumerate(zip(ref_rows, new_rows)):
            yield f"row {i + 1} (ref line {ref_lines[i]}, new line {new_lines[i]})", r, n
        if len(ref_rows) != len(new_rows):
            problems.append(f"row count differs: ref {len(ref_rows)}, new {len(new_rows)}")
        return
    indices = [header.index(k) for k in key]

    def index_rows(rows, lines, name):
        by_key = {}
        for row, line in zip(rows, lines):
            k = tuple(row[i] for i in indices)
            if k in by_key:
                raise UsageError(f"{name} line {line}: key {k} appears twice")
            by_key[k] = (row, line)
        return by_key

    ref_by_key = index_rows(ref_rows, ref_lines, "ref")
    new_by_key = index_rows(new_rows, new_lines, "new")
    for k, (r, line) in ref_by_key.items():
        if k not in new_by_key:
            problems.append(f"key {dict(zip(key, k))} (ref line {line}) missing in new")
            continue
        n, new_line = new_by_key[k]
        yield f"key {dict(zip(key, k))} (ref line {line}, new line {new_line})", r, n
    for k, (_, line) in new_by_key.items():
        if k not in ref_by_key:
            problems.append(f"key {dict(zip(key, k))} (new line {line}) not in ref")


def header_report(ref_header, new_header):
    lines = ["header mismatch:"]
    missing = [c for c in ref_header if c not in new_header]
    extra = [c for c in new_header if c not in ref_header]
    if missing:
        lines.append(f"  columns missing in new: {', '.join(missing)}")
    if extra:
        lines.append(f"  columns only in new: {', '.join(extra)}")
    if not missing and not extra:
        lines.append("  same columns in a different order")
    lines.append(f"  ref: {','.join(ref_header)}")
    lines.append(f"  new: {','.join(new_header)}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Compare two CSV KPI traces row by row within numeric tolerances.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ref", help="reference trace (e.g. a golden file)")
    parser.add_argument("new", help="trace to check")
    parser.add_argument("--abs-tol", action="append", default=[], metavar="COL=X",
                        help="absolute tolerance of column COL (repeatable)")
    parser.add_argument("--rel-tol", action="append", default=[], metavar="COL=X",
                        help="relative tolerance of column COL, times |ref| (repeatable)")
    parser.add_argument("--default-abs", type=float, default=0.0, metavar="X",
                        help="absolute tolerance of the other columns (default 0)")
    parser.add_argument("--default-rel", type=float, default=0.0, metavar="X",
                        help="relative tolerance of the other columns (default 0)")
    parser.add_argument("--key", metavar="COLS",
                        help="comma-separated columns that identify a row; rows are "
                             "matched by key instead of by position")
    parser.add_argument("--max-report", type=int, default=20, metavar="N",
                        help="cell mismatches to list (default 20); all are counted")
    args = parser.parse_args(argv)

    try:
        if not (args.default_abs >= 0 and args.default_rel >= 0):
            raise UsageError("--default-abs and --default-rel must be >= 0")
        abs_tols = parse_tolerances(args.abs_tol, "--abs-tol")
        rel_tols = parse_tolerances(args.rel_tol, "--rel-tol")
        ref_header, ref_rows, ref_lines = read_csv(args.ref)
        new_header, new_rows, new_lines = read_csv(args.new)
        for column in list(abs_tols) + list(rel_tols):
            if column not in ref_header:
                raise UsageError(f"tolerance for unknown column {column!r}; "
                                 f"columns: {','.join(ref_header)}")
        key = args.key.split(",") if args.key else []
        for column in key:
            if column not in ref_header:
                raise UsageError(f"--key column {column!r} is not in the header")
        if ref_header != new_header:
            print(f"{args.ref} vs {args.new}: DIFFERENT")
            print(header_report(ref_header, new_header))
            return EXIT_DIFFERENT

        stats = {c: ColumnStats() for c in ref_header}
        problems, mismatches = [], []
        for label, ref_row, new_row in pair_rows(ref_rows, new_rows, ref_lines, new_lines,
                                                 ref_header, key, problems):
            for column, ref, new in zip(ref_header, ref_row, new_row):
                ok, diff = compare_cell(ref, new,
                                        abs_tols.get(column, args.default_abs),
                                        rel_tols.get(column, args.default_rel),
                                        stats[column])
                if not ok:
                    stats[column].mismatches += 1
                    mismatches.append((label, column, ref, new, diff))
    except UsageError as e:
        print(f"kpi_diff: error: {e}", file=sys.stderr)
        return EXIT_USAGE

    different = bool(problems or mismatches)
    print(f"{args.ref} vs {args.new}: {'DIFFERENT' if different else 'equal within tolerance'}"
          f" ({len(ref_rows)} ref rows, {len(new_rows)} new rows)")
    for problem in problems:
        print(f"  {problem}")
    if mismatches:
        shown = mismatches[: max(args.max_report, 0)]
        print(f"{len(mismatches)} cell mismatch(es); first {len(shown)}:")
        for label, column, ref, new, diff in shown:
            diff_text = "text differs" if diff is None else f"diff {diff:.6g}"
            print(f"  {label} column {column}: ref {ref!r} new {new!r} ({diff_text})")
    width = max(len(c) for c in ref_header + ["column"])
    print(f"  {'column':<{width}}  {'max |diff|':<12} {'max rel':<12} mismatches")
    for column in ref_header:
        s = stats[column]
        if s.numeric:
            print(f"  {column:<{width}}  {s.max_abs:<12.6g} {s.max_rel:<12.6g} {s.mismatches}")
        else:
            print(f"  {column:<{width}}  {'(text)':<25} {s.mismatches}")
    return EXIT_DIFFERENT if different else EXIT_EQUAL


if __name__ == "__main__":
    sys.exit(main())
