#!/usr/bin/env python3
"""Least-squares AR prediction of the next CSI snapshot with the coefficients shared over
three views of a drop: all its series (ports x subcarriers, what csi-baselines' ar<p>
fits), each base-station port's subcarriers (what one input sequence of split-fedft's
transformer holds), and each series alone (csi-baselines' arps<p>). An implementation in
NumPy independent of the C++ one, so it also cross-checks csi-baselines.

  ar_views.py <csi-dataset dir> [--order P] [--split test] [--history noisy|clean]

Prints the step-1 NMSE (dB; per-sample NMSE averaged in linear units) of each view.
Same fit as ArCsiPredictor: covariance method, diagonal loading of 1e-3 times the mean
diagonal of A^H A.
"""
import argparse
import json

import numpy as np

REGULARIZATION = 1e-3  # ArCsiPredictor's default


def ar_next(groups, order):
    """groups: (G, S, T) complex, one coefficient vector per group of S series; returns
    the (G, S) predictions of snapshot T."""
    past = groups.shape[-1]
    # regressors (G, S, T - p, p): row n holds x[n-1] .. x[n-p] for n = p .. T-1
    regressors = np.stack([groups[..., order - i - 1 : past - i - 1] for i in range(order)], -1)
    regressors = regressors.reshape(groups.shape[0], -1, order)
    targets = groups[..., order:past].reshape(groups.shape[0], -1)
    gram = np.einsum("gni,gnj->gij", regressors.conj(), regressors)
    loading = REGULARIZATION * np.trace(gram, axis1=1, axis2=2).real / order
    gram += loading[:, None, None] * np.eye(order)
    rhs = np.einsum("gni,gn->gi", regressors.conj(), targets)
    coefficients = np.linalg.solve(gram, rhs[..., None])[..., 0]
    last = np.stack([groups[..., past - i - 1] for i in range(order)], -1)
    return np.einsum("gsi,gi->gs", last, coefficients)


def nmse_db(predicted, truth):
    axes = tuple(range(1, truth.ndim))
    error = np.sum(np.abs(predicted - truth) ** 2, axis=axes) / np.sum(np.abs(truth) ** 2, axis=axes)
    return 10 * np.log10(error.mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--order", type=int, default=8)
    parser.add_argument("--split", default="test")
    parser.add_argument("--history", choices=["noisy", "clean"], default="noisy")
    args = parser.parse_args()
    suffix = "" if args.history == "noisy" else "_clean"
    # (samples, past, subcarriers, bs ports, ue ports) and (samples, future, ...)
    history = np.load(f"{args.data_dir}/{args.split}_history_ul{suffix}.npy").astype(np.complex128)
    truth = np.load(f"{args.data_dir}/{args.split}_future_ul.npy")[:, 0].astype(np.complex128)
    samples, past, subcarriers, ports, ue_ports = history.shape
    if past <= args.order:
        raise SystemExit(f"ar_views.py: order {args.order} needs more than {past} past snapshots")
    # (samples, subcarriers, ports, ue ports, past): one series per (k, q, u)
    series = np.moveaxis(history, 1, -1)
    shape = truth.shape
    views = {
        "drop": ar_next(series.reshape(samples, -1, past), args.order).reshape(shape),
        # the groups of a port: its subcarriers (and UE ports)
        "port": np.moveaxis(
            ar_next(np.moveaxis(series, 2, 1).reshape(samples * ports, -1, past), args.order).reshape(
                samples, ports, subcarriers, ue_ports
            ),
            1,
            2,
        ),
        "series": ar_next(series.reshape(-1, 1, past), args.order).reshape(shape),
    }
    result = {view: round(nmse_db(prediction, truth), 3) for view, prediction in views.items()}
    result["hold"] = round(nmse_db(history[:, -1], truth), 3)
    print(json.dumps({"order": args.order, "history": args.history, "samples": samples, "nmse_db": result}))


if __name__ == "__main__":
    main()
