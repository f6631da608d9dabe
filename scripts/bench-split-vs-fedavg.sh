#!/usr/bin/env bash
# Bytes per round and simulated time to a target NMSE: split LoRA vs FedAvg of the whole
# model vs federated LoRA, on the same pretrained base, task, devices and radio
# (docs/benchmarks.md, "Split learning vs FedAvg"). The base is pretrained once
# (--baseModel). Extra arguments go to every run, e.g. --rounds=4.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BUILD_DIR:-$ROOT/build}/split-fedft
OUT=${OUT_DIR:-$ROOT/out/split-vs-fedavg}
MODEL=${MODEL:-csi-predictor-gpt2}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
mkdir -p "$OUT"
# --pretrainDrops=48 and the hold task at 40 dB: the setup of the runs in docs/benchmarks.md
# (before the defaults changed).
common=(--model="$MODEL" --reference=hold --layout=steps --pretrainSnrDb=40 --devices=4 --rounds=6 --pretrainSteps=300 --pretrainDrops=48 --checkpointEvery=0
    --baseModel="$OUT/base-$MODEL.ckpt" "$@")
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; commit $(git -C "$ROOT" rev-parse --short HEAD); $(date -u '+%F %H:%M UTC')"
echo "common arguments: ${common[*]}"
"$BIN" "${common[@]}" --scheme=split --training=lora --outDir="$OUT/split-lora"
"$BIN" "${common[@]}" --scheme=federated --training=full --outDir="$OUT/fedavg-full"
"$BIN" "${common[@]}" --scheme=federated --training=lora --outDir="$OUT/federated-lora"
/usr/bin/python3 "$ROOT/scripts/split_vs_fedavg.py" "$OUT/split-lora" "$OUT/fedavg-full" \
    "$OUT/federated-lora"
