#!/usr/bin/python3
"""Plot the KPI traces of one run (radio-cell: slots.csv, transfers.csv; split-fedft:
rounds.csv, summary.csv) as PNG figures."""

import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402  (after the backend choice)
import numpy as np  # noqa: E402

EXIT_OK, EXIT_NOTHING_PLOTTED, EXIT_USAGE = 0, 1, 2

EPILOG = """\
Reads columns by name and skips a figure whose columns are missing:
  sinr_cdf.png            SINR CDF per direction     slots.csv: sinr_db [direction]
  ue_throughput_cdf.png   per-UE throughput CDF      slots.csv: time_s ue delivered_bytes
                                                     [direction]
  cell_throughput.png     cell throughput over time  slots.csv: time_s delivered_bytes
                                                     [cell direction]
  latency_cdf.png         transfer latency CDF       transfers.csv: latency_s [direction]
  training.png            loss and validation NMSE   rounds.csv: end_s train_loss val_nmse_db
                          vs simulated time          [summary.csv: pretrained_nmse_db
                                                     hold_nmse_db ar8_nmse_db prony_nmse_db]
Throughput is delivered bytes over the traced time span (first to last slot plus one
slot). Non-finite values (nan, inf) are left out of CDFs and counted in the legend.

exit status: 0 at least one figure written, 1 none could be drawn, 2 usage error or
unreadable trace.

example:
  plot_kpis.py results/radio-cell --out results/radio-cell/plots
"""


class TraceError(Exception):
    pass


def read_columns(path, wanted, text_columns=()):
    """Reads the wanted columns that exist in the CSV at path. Returns {name: array}
    (numbers as float arrays, text_columns as lists of str), or None if the file is
    missing."""
    if not os.path.exists(path):
        return None
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader, None) or []
            present = [c for c in wanted if c in header]
            index = {c: header.index(c) for c in present}
            values = {c: [] for c in present}
            for row in reader:
                for c in present:
                    cell = row[index[c]] if index[c] < len(row) else ""
                    if c in text_columns:
                        values[c].append(cell)
                        continue
                    try:
                        values[c].append(float(cell))
                    except ValueError:
                        raise TraceError(f"{path}:{reader.line_num}: column {c}: "
                                         f"{cell!r} is not a number") from None
    except OSError as e:
        raise TraceError(f"cannot read {path}: {e.strerror}") from e
    except csv.Error as e:
        raise TraceError(f"{path}: not a readable CSV file: {e}") from e
    return {c: (v if c in text_columns else np.asarray(v, dtype=float))
            for c, v in values.items()}


def groups(table, column, n):
    """Yields (label, boolean mask) per distinct value of column, or one group 'all'."""
    if column not in table:
        yield "all", np.ones(n, dtype=bool)
        return
    labels = np.asarray(table[column])
    for label in sorted(set(labels.tolist())):
        yield (label if isinstance(label, str) else f"{label:g}"), labels == label


def plot_cdf(ax, values, label):
    finite = values[np.isfinite(values)]
    dropped = values.size - finite.size
    if dropped:
        label += f" ({dropped} non-finite left out)"
    if finite.size == 0:
        return
    x = np.sort(finite)
    ax.step(x, np.arange(1, x.size + 1) / x.size, where="post", label=label)


def slot_timing(times):
    """Returns (first time, slot duration, traced span): the slot duration is the
    median step between distinct times, the span runs from the first slot to the end
    of the last one."""
    distinct = np.unique(times)
    step = float(np.median(np.diff(distinct))) if distinct.size > 1 else 0.0
    return float(distinct[0]), step, float(distinct[-1] - distinct[0]) + step


def save(fig, ax, path, xlabel, ylabel, title):
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def missing(table, needed, file_name):
    """What a figure lacks: the file, its columns, or any row."""
    if table is None:
        return [file_name]
    lacking = [f"{file_name} column {c}" for c in needed if c not in table]
    if not lacking and table[needed[0]].size == 0:
        lacking = [f"at least one row in {file_name}"]
    return lacking


def figure_sinr_cdf(slots, out_dir):
    if lacking := missing(slots, ["sinr_db"], "slots.csv"):
        return None, lacking
    fig, ax = plt.subplots(figsize=(6, 4))
    n = slots["sinr_db"].size
    for label, mask in groups(slots, "direction", n):
        plot_cdf(ax, slots["sinr_db"][mask], label)
    path = os.path.join(out_dir, "sinr_cdf.png")
    save(fig, ax, path, "SINR [dB]", "CDF", "SINR per scheduled slot")
    return path, []


def figure_ue_throughput_cdf(slots, out_dir):
    if lacking := missing(slots, ["time_s", "ue", "delivered_bytes"], "slots.csv"):
        return None, lacking
    _, _, span_s = slot_timing(slots["time_s"])
    if span_s <= 0:
        return None, ["more than one distinct time_s"]
    fig, ax = plt.subplots(figsize=(6, 4))
    n = slots["ue"].size
    for label, mask in groups(slots, "direction", n):
        ues, inverse = np.unique(slots["ue"][mask], return_inverse=True)
        bytes_per_ue = np.bincount(inverse, weights=slots["delivered_bytes"][mask],
                                   minlength=ues.size)
        plot_cdf(ax, 8 * bytes_per_ue / span_s / 1e6, f"{label} ({ues.size} UEs)")
    path = os.path.join(out_dir, "ue_throughput_cdf.png")
    save(fig, ax, path, "UE throughput [Mbit/s]", "CDF",
         f"Per-UE throughput over {span_s:.3g} s")
    return path, []


def figure_cell_throughput(slots, out_dir, bins):
    if lacking := missing(slots, ["time_s", "delivered_bytes"], "slots.csv"):
        return None, lacking
    times = slots["time_s"]
    first_s, slot_s, span_s = slot_timing(times)
    if span_s <= 0:
        return None, ["more than one distinct time_s"]
    # Whole slots per bin, or bins would alias with the slot grid.
    n_slots = max(1, round(span_s / slot_s))
    slots_per_bin = math.ceil(n_slots / bins)
    width_s = slots_per_bin * slot_s
    edges = first_s + width_s * np.arange(math.ceil(n_slots / slots_per_bin) + 1)
    edges[-1] = first_s + span_s  # a shorter last bin holds only the traced slots
    fig, ax = plt.subplots(figsize=(7, 4))
    for cell_label, cell_mask in groups(slots, "cell", times.size):
        for dir_label, dir_mask in groups(slots, "direction", times.size):
            mask = cell_mask & dir_mask
            if not mask.any():
                continue
            sums, _ = np.histogram(times[mask], bins=edges,
                                   weights=slots["delivered_bytes"][mask])
            label = " ".join(x for x in (f"cell {cell_label}" if "cell" in slots else "",
                                         dir_label if "direction" in slots else "") if x)
            ax.stairs(8 * sums / np.diff(edges) / 1e6, edges, label=label or "all")
    path = os.path.join(out_dir, "cell_throughput.png")
    save(fig, ax, path, "time [s]", "throughput [Mbit/s]",
         f"Cell throughput ({width_s * 1e3:.3g} ms bins)")
    return path, []


def figure_latency_cdf(transfers, out_dir):
    if lacking := missing(transfers, ["latency_s"], "transfers.csv"):
        return None, lacking
    fig, ax = plt.subplots(figsize=(6, 4))
    n = transfers["latency_s"].size
    for label, mask in groups(transfers, "direction", n):
        plot_cdf(ax, transfers["latency_s"][mask] * 1e3, label)
    path = os.path.join(out_dir, "latency_cdf.png")
    save(fig, ax, path, "transfer latency [ms]", "CDF", "Transfer latency")
    return path, []


def figure_training(rounds, summary, out_dir):
    lacking = missing(rounds, ["end_s", "train_loss", "val_nmse_db"], "rounds.csv")
    if lacking:
        return None, lacking
    fig, (loss_ax, nmse_ax) = plt.subplots(2, 1, sharex=True, figsize=(6.4, 6.4))
    loss_ax.plot(rounds["end_s"], rounds["train_loss"], marker=".")
    loss_ax.set_ylabel("training loss (MSE)")
    loss_ax.set_yscale("log")
    loss_ax.grid(True, alpha=0.3)
    loss_ax.set_title("Split federated fine-tuning")
    times, nmse = list(rounds["end_s"]), list(rounds["val_nmse_db"])
    if summary is not None and summary.get("pretrained_nmse_db") is not None \
            and summary["pretrained_nmse_db"].size:
        # The curve starts from the pretrained base at the start of fine-tuning.
        times, nmse = [0.0] + times, [summary["pretrained_nmse_db"][0]] + nmse
    nmse_ax.plot(times, nmse, marker=".", label="pretrained base, then fine-tuned")
    references = [("hold_nmse_db", "hold (no prediction)", ":"),
                  ("ar8_nmse_db", "least-squares AR(8)", "--"),
                  ("prony_nmse_db", "Prony", "-.")]
    levels = {column: summary[column][0] for column, _, _ in references
              if summary is not None and column in summary and summary[column].size}
    # Zoom on the curve and the strong predictors: hold is often several dB above them,
    # and on its scale the tenths of a dB between the model, AR and Prony disappear.
    strong = nmse + [v for c, v in levels.items() if c != "hold_nmse_db"]
    low, high = (min(strong), max(strong)) if strong else (0.0, 0.0)
    for column, label, style in references:
        if column not in levels:
            continue
        value = levels[column]
        shown = not strong or value <= high + 3.0
        if shown:
            high = max(high, value)
        nmse_ax.axhline(value, linestyle=style, color="grey",
                        label=f"{label}: {value:.2f} dB" + ("" if shown else " (above the plot)"))
    if strong:
        margin = max(0.1 * (high - low), 0.2)
        nmse_ax.set_ylim(low - margin, high + margin)
    nmse_ax.set_xlabel("simulated time [s]")
    nmse_ax.set_ylabel("validation NMSE [dB]")
    nmse_ax.grid(True, alpha=0.3)
    nmse_ax.legend(fontsize="small")
    path = os.path.join(out_dir, "training.png")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path, []


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Plot the radio KPI traces of one run as PNG figures.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("outdir", metavar="OUTDIR", help="output directory of a run")
    parser.add_argument("--out", metavar="PNG_DIR",
                        help="where to write the figures (default: OUTDIR/plots)")
    parser.add_argument("--bins", type=int, default=100, metavar="N",
                        help="time bins of the cell throughput plot (default 100)")
    args = parser.parse_args(argv)

    if not os.path.isdir(args.outdir):
        print(f"plot_kpis: error: {args.outdir} is not a directory", file=sys.stderr)
        return EXIT_USAGE
    if args.bins < 1:
        print("plot_kpis: error: --bins must be >= 1", file=sys.stderr)
        return EXIT_USAGE
    png_dir = args.out or os.path.join(args.outdir, "plots")
    try:
        slots = read_columns(
            os.path.join(args.outdir, "slots.csv"),
            ["time_s", "cell", "ue", "direction", "sinr_db", "delivered_bytes"],
            text_columns=("direction",))
        transfers = read_columns(os.path.join(args.outdir, "transfers.csv"),
                                 ["latency_s", "direction"], text_columns=("direction",))
        rounds = read_columns(os.path.join(args.outdir, "rounds.csv"),
                              ["end_s", "train_loss", "val_nmse_db"])
        summary = read_columns(os.path.join(args.outdir, "summary.csv"),
                               ["pretrained_nmse_db", "hold_nmse_db", "ar8_nmse_db",
                                "prony_nmse_db"])
        os.makedirs(png_dir, exist_ok=True)
    except TraceError as e:
        print(f"plot_kpis: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as e:
        print(f"plot_kpis: error: cannot create {png_dir}: {e.strerror}", file=sys.stderr)
        return EXIT_USAGE

    figures = [
        ("SINR CDF", figure_sinr_cdf(slots, png_dir)),
        ("UE throughput CDF", figure_ue_throughput_cdf(slots, png_dir)),
        ("cell throughput", figure_cell_throughput(slots, png_dir, args.bins)),
        ("latency CDF", figure_latency_cdf(transfers, png_dir)),
        ("training", figure_training(rounds, summary, png_dir)),
    ]
    written = 0
    for name, (path, lacking) in figures:
        if path:
            print(f"wrote {path}")
            written += 1
        else:
            print(f"skipped {name}: needs {', '.join(lacking)}")
    return EXIT_OK if written else EXIT_NOTHING_PLOTTED


if __name__ == "__main__":
    sys.exit(main())
