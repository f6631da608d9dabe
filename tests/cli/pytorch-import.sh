#!/usr/bin/env bash
# edge-lam-lam-forward against Python PyTorch (Debian python3-torch). The Python below is its
# own plain torch.nn GPT of the project's architecture (pre-LayerNorm blocks, fused c_attn,
# causal softmax attention, tanh GELU, learned positions, final LayerNorm, Linear or tied
# head, nanoGPT parameter names), written apart from the C++ layers and with its attention
# formulated differently. With seeded random weights of unit scale (so that every layer
# shapes the output) it saves dict(model.state_dict()) with torch.save and the
# torch.jit.script'ed model with torch.jit.save; the C++ tool imports each strictly and its
# output on the same input must equal Python's. Two models: csi-predictor-tiny's sizes
# (features in, biases, default LayerNorm eps) and a token model (no biases, tied head,
# eps 1e-3, mlp_width != 4 width, head width 12, keys under a "transformer." prefix in the
# state dict). Then an OrderedDict file, a tensor of wrong shape, missing files and inputs
# of wrong dtype or size must fail naming the problem, with no output file.
set -euo pipefail
BUILD=$2
TOOL="$BUILD/edge-lam-lam-forward"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# A file, not stdin: torch.jit.script reads the source of the classes it compiles.
cat >"$TMP/gpt.py" <<'PY'
import json
import math
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

out = sys.argv[1]


class CausalAttention(nn.Module):
    heads: int

    def __init__(self, width: int, heads: int, bias: bool):
        super().__init__()
        self.heads = heads
        self.c_attn = nn.Linear(width, 3 * width, bias=bias)  # q, k, v stacked
        self.c_proj = nn.Linear(width, width, bias=bias)

    def forward(self, x):
        b, t, c = x.shape
        d = c // self.heads
        q, k, v = self.c_attn(x).split(c, dim=2)
        q = q.reshape(b, t, self.heads, d).transpose(1, 2) * (1.0 / math.sqrt(d))  # (B, H, T, D)
        k = k.reshape(b, t, self.heads, d).transpose(1, 2)
        v = v.reshape(b, t, self.heads, d).transpose(1, 2)
        scores = torch.einsum("bhqd,bhkd->bhqk", q, k)
        allowed = torch.ones(t, t, dtype=torch.bool).tril()  # key position <= query position
        weights = scores.masked_fill(~allowed, float("-inf")).softmax(dim=-1)
        return self.c_proj(torch.einsum("bhqk,bhkd->bqhd", weights, v).reshape(b, t, c))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        c, eps, bias = cfg["width"], cfg.get("layer_norm_eps", 1e-5), cfg.get("bias", True)
        self.ln_1 = nn.LayerNorm(c, eps=eps)
        self.attn = CausalAttention(c, cfg["heads"], bias)
        self.ln_2 = nn.LayerNorm(c, eps=eps)
        self.mlp = nn.Sequential()
        self.mlp.add_module("c_fc", nn.Linear(c, cfg["mlp_width"], bias=bias))
        self.mlp.add_module("gelu", nn.GELU(approximate="tanh"))
        self.mlp.add_module("c_proj", nn.Linear(cfg["mlp_width"], c, bias=bias))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Trunk(nn.Module):
    """Positions, blocks and final LayerNorm; subclasses add the input and output layers."""

    def __init__(self, cfg):
        super().__init__()
        self.wpe = nn.Embedding(cfg["context_length"], cfg["width"])
        self.h = nn.ModuleList([Block(cfg) for _ in range(cfg["layers"])])
        self.ln_f = nn.LayerNorm(cfg["width"], eps=cfg.get("layer_norm_eps", 1e-5))

    def trunk(self, x):
        x = x + self.wpe(torch.arange(x.size(1)))
        for block in self.h:
            x = block(x)
        return self.ln_f(x)


class FeatureGpt(Trunk):
    def __init__(self, cfg):
        super().__init__(cfg)
        bias = cfg.get("bias", True)
        self.patch_embed = nn.Linear(cfg["input_features"], cfg["width"], bias=bias)
        self.head = nn.Linear(cfg["width"], cfg["output_size"], bias=bias)

    def forward(self, x):
        return self.head(self.trunk(self.patch_embed(x)))


class TiedTokenGpt(Trunk):
    def __init__(self, cfg):
        super().__init__(cfg)
        self.wte = nn.Embedding(cfg["vocab_size"], cfg["width"])

    def forward(self, ids):
        return F.linear(self.trunk(self.wte(ids)), self.wte.weight)


def randomise(model):
    """Unit-scale weights (not GPT-2's 0.02): every layer, the GELU and the LayerNorms then
    move the output by O(1), so an architectural difference cannot hide below tolerance."""
    for name, p in model.named_parameters():
        if p.dim() == 1:  # LayerNorm gains around 1, shifts and biases around 0
            centre = 1.0 if "ln_" in name and name.endswith(".weight") else 0.0
            p.data = centre + 0.2 * torch.randn_like(p)
        elif name in ("wte.weight", "wpe.weight"):
            p.data = torch.randn_like(p)
        else:
            p.data = torch.randn_like(p) / math.sqrt(p.shape[1])


def export(name, cfg, model_class, x, prefix=""):
    with open(f"{out}/{name}.json", "w") as f:
        json.dump(cfg, f)
    model = model_class(cfg)
    randomise(model)
    model.eval()
    with torch.no_grad():
        y = model(x)
    np.save(f"{out}/{name}-x.npy", x.numpy())
    np.save(f"{out}/{name}-y.npy", y.numpy())
    torch.save({prefix + k: v for k, v in model.state_dict().items()}, f"{out}/{name}.pt")
    torch.jit.save(torch.jit.script(model), f"{out}/{name}.jit")
    print(f"python: {name}: output {tuple(y.shape)}, max |y| {y.abs().max().item():.3g}")
    return model


torch.manual_seed(7)
features = {"name": "py-features", "input": "features", "input_features": 96,
            "output_size": 96, "context_length": 16, "layers": 2, "width": 64, "heads": 4,
            "mlp_width": 256}
model = export("features", features, FeatureGpt, torch.randn(3, 16, 96))
torch.save(model.state_dict(), f"{out}/ordered.pt")  # an OrderedDict
bad = dict(model.state_dict())
bad["h.1.mlp.c_fc.weight"] = bad["h.1.mlp.c_fc.weight"][:, :-1].clone()  # (256, 63)
torch.save(bad, f"{out}/bad-shape.pt")
np.save(f"{out}/features-x-f64.npy", np.load(f"{out}/features-x.npy").astype(np.float64))
np.save(f"{out}/features-x-95.npy", np.load(f"{out}/features-x.npy")[:, :, :95])
tokens = {"name": "py-tokens", "input": "tokens", "vocab_size": 50, "context_length": 12,
          "layers": 2, "width": 36, "heads": 3, "mlp_width": 96, "bias": False,
          "tie_embeddings": True, "layer_norm_eps": 1e-3}
export("tokens", tokens, TiedTokenGpt, torch.randint(0, 50, (2, 10)), prefix="transformer.")
PY
/usr/bin/python3 "$TMP/gpt.py" "$TMP"

failures=0
# Tolerance: max |C++ - Python| <= 1e-5 max |y|. Both sides run LibTorch 1.13 kernels in
# float32, but the Python attention scales q before the product (not the scores after it) and
# contracts with einsum, so sums may run in another order: ~1e-7 relative per reduction of
# <= 256 terms, a few reductions in series, stays far below 1e-5 (measured: 0 for the
# features model, whose head width 16 makes the scaling exact; 1.3e-7 for the token model).
# Exact instead of tanh GELU moves the outputs by 8e-5..1.6e-4 of max |y|, twice the
# token model's eps by 1.9e-4 (docs/lam-runtime.md).
compare() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
import numpy as np
want, got = np.load(sys.argv[1]), np.load(sys.argv[2])
assert got.dtype == np.float32 and got.shape == want.shape, (got.dtype, got.shape, want.shape)
scale = np.abs(want).max()
diff = np.abs(got.astype(np.float64) - want).max()
print(f"{sys.argv[2]}: max |C++ - Python| = {diff:.3g} = {diff / scale:.3g} of max |y| {scale:.3g}")
sys.exit(0 if diff <= 1e-5 * scale else 1)
PY
}
for model in features tokens; do
    for format in state-dict torchscript; do
        weights=(--weights="$TMP/$model.pt")
        [[ $model == tokens ]] && weights+=(--stripPrefix=transformer.)
        [[ $format == torchscript ]] && weights=(--weights="$TMP/$model.jit")
        if ! "$TOOL" --model="$TMP/$model.json" "${weights[@]}" --format="$format" \
            --input="$TMP/$model-x.npy" --output="$TMP/$model-$format.npy" ||
            ! compare "$TMP/$model-y.npy" "$TMP/$model-$format.npy"; then
            echo "FAIL: $model model, $format: C++ output differs from Python's"
            failures=$((failures + 1))
        fi
    done
done

# expect_error <text the message must contain> <arguments>: non-zero exit, no output file.
expect_error() {
    local needle=$1
    shift
    local msg rc=0
    msg=$("$TOOL" --output="$TMP/never.npy" "$@" 2>&1) || rc=$?
    if ((rc == 0)) || ! grep -qF -- "$needle" <<<"$msg"; then
        echo "FAIL: $* -> exit $rc, message '$msg' lacks '$needle'"
        failures=$((failures + 1))
    elif compgen -G "$TMP/never.npy*" >/dev/null; then
        echo "FAIL: $* left an output file"
        failures=$((failures + 1))
    fi
}
good=(--model="$TMP/features.json" --weights="$TMP/features.pt")
expect_error "save a plain dict instead: torch.save(dict(model.state_dict()), path)" \
    --model="$TMP/features.json" --weights="$TMP/ordered.pt" --input="$TMP/features-x.npy"
expect_error "'h.1.mlp.c_fc.weight'" \
    --model="$TMP/features.json" --weights="$TMP/bad-shape.pt" --input="$TMP/features-x.npy"
expect_error "missing.pt" \
    --model="$TMP/features.json" --weights="$TMP/missing.pt" --input="$TMP/features-x.npy"
expect_error "strict state dict import: missing 'patch_embed.weight'" \
    --model="$TMP/features.json" --weights="$TMP/tokens.pt" --input="$TMP/features-x.npy"
expect_error "features-x-95.npy: py-features: input of 95" \
    "${good[@]}" --input="$TMP/features-x-95.npy"
expect_error "features-x-f64.npy: dtype <f8" "${good[@]}" --input="$TMP/features-x-f64.npy"
expect_error "tokens-x.npy: dtype <i8" "${good[@]}" --input="$TMP/tokens-x.npy"
expect_error "missing.npy" "${good[@]}" --input="$TMP/missing.npy"
expect_error "--format=onnx: unknown value" "${good[@]}" --format=onnx --input="$TMP/features-x.npy"
expect_error "--input is required" "${good[@]}"
((failures == 0)) || { echo "$failures failure(s)"; exit 1; }
echo "pytorch-import: C++ forward equals Python's for both models and formats; bad input refused"
