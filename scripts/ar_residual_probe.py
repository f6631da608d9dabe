#!/usr/bin/python3
"""Experiment: a small network that corrects least-squares AR(p) CSI prediction.

Per drop and base-station port, AR(p) is fitted on that port's subcarriers (the port view
of ar_views.py) and predicts the next uplink snapshot from the noisy history. A 2-layer
MLP then predicts AR's error at each (subcarrier, port) from the AR predictions and the
last noisy snapshot at the +-W neighbouring subcarriers of the same port, scaled by the
drop's RMS. It is trained on the train split and judged on the test split, next to AR
itself and a linear least-squares filter over the same inputs. A probe for the learned
predictor's next design, not a feature of the simulator.

  ar_residual_probe.py <csi-dataset dir> [--order P] [--window W] [--steps N] [--seed S]

Prints one JSON object: the test NMSE (dB) of hold, AR, the linear filter and AR + MLP.
"""
import argparse
import json

import numpy as np
import torch

from ar_views import ar_next, nmse_db


def load(data_dir, split, order):
    """Noisy history (N, T, K, P), clean next snapshot (N, K, P), per-port AR prediction."""
    history = np.load(f"{data_dir}/{split}_history_ul.npy").astype(np.complex128)[..., 0]
    truth = np.load(f"{data_dir}/{split}_future_ul.npy")[:, 0, ..., 0].astype(np.complex128)
    samples, past, subcarriers, ports = history.shape
    groups = np.transpose(history, (0, 3, 2, 1)).reshape(samples * ports, subcarriers, past)
    ar = ar_next(groups, order).reshape(samples, ports, subcarriers).transpose(0, 2, 1)
    return history, truth, ar


def window_features(ar, last, window):
    """(N, K, P) twice -> (N, K, P, 2 (2W + 1)): both at subcarriers k - W .. k + W
    (edges repeated)."""
    columns = []
    for values in (ar, last):
        padded = np.pad(values, ((0, 0), (window, window), (0, 0)), mode="edge")
        columns += [padded[:, i : i + values.shape[1]] for i in range(2 * window + 1)]
    return np.stack(columns, -1)


def drop_rms(history):
    return np.sqrt(np.mean(np.abs(history) ** 2, axis=(1, 2, 3)))[:, None, None, None]


def as_real(values):
    """complex (..., F) -> float32 (rows, 2F)"""
    flat = values.reshape(-1, values.shape[-1])
    return np.concatenate([flat.real, flat.imag], -1).astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--order", type=int, default=8)
    parser.add_argument("--window", type=int, default=4)
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)

    train_history, train_truth, train_ar = load(args.data_dir, "train", args.order)
    test_history, test_truth, test_ar = load(args.data_dir, "test", args.order)
    train_x = window_features(train_ar, train_history[:, -1], args.window)
    test_x = window_features(test_ar, test_history[:, -1], args.window)

    # Linear: one complex filter over the same inputs, least squares on the train split.
    weights, *_ = np.linalg.lstsq(
        train_x.reshape(-1, train_x.shape[-1]), train_truth.reshape(-1), rcond=None
    )
    linear = (test_x.reshape(-1, test_x.shape[-1]) @ weights).reshape(test_truth.shape)

    # MLP on AR's error, inputs and targets in units of the drop's RMS.
    train_scale, test_scale = drop_rms(train_history), drop_rms(test_history)
    inputs = torch.from_numpy(as_real(train_x / train_scale))
    error = ((train_truth - train_ar) / train_scale[..., 0])[..., None]
    targets = torch.from_numpy(as_real(error))
    net = torch.nn.Sequential(
        torch.nn.Linear(inputs.shape[1], 128), torch.nn.GELU(),
        torch.nn.Linear(128, 128), torch.nn.GELU(),
        torch.nn.Linear(128, 2),
    )
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    for _ in range(args.steps):
        batch = torch.randint(inputs.shape[0], (4096,))
        loss = torch.nn.functional.mse_loss(net(inputs[batch]), targets[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        out = net(torch.from_numpy(as_real(test_x / test_scale))).numpy()
    correction = (out[:, 0] + 1j * out[:, 1]).reshape(test_truth.shape) * test_scale[..., 0]

    print(json.dumps({
        "train_drops": int(train_history.shape[0]),
        "test_drops": int(test_history.shape[0]),
        "order": args.order,
        "window": args.window,
        "steps": args.steps,
        "seed": args.seed,
        "hold_db": round(nmse_db(test_history[:, -1], test_truth), 3),
        "ar_port_db": round(nmse_db(test_ar, test_truth), 3),
        "linear_filter_db": round(nmse_db(linear, test_truth), 3),
        "ar_plus_mlp_db": round(nmse_db(test_ar + correction, test_truth), 3),
    }))


if __name__ == "__main__":
    main()
