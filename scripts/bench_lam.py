#!/usr/bin/python3
"""The LAM training step of tools/lam-benchmark.cc in Python PyTorch (docs/benchmarks.md).

The model is written here from the C++ one (src/lam/gpt-model.cc,
src/lam/transformer-block.cc, src/lam/lora-linear.cc): GPT-2 layout, pre-LayerNorm
blocks, fused c_attn, causal attention as matmul + masked softmax, GELU (tanh), same
parameter names, same initial weight law, same loss and Adam settings.

  bench_lam.py verify <model.json> <file.pt>   check the model against `export`'s file
  bench_lam.py export <model.json> <full|lora> <batch> <steps> <out.pt> <out.jit>
      the other direction: weights written by Python for the C++ `import`
  bench_lam.py time <model.json> <batch> <steps> <seconds per case>
  bench_lam.py table <results.txt>             Markdown table of the benchmark lines

`time` prints `step impl=python ...` lines in the format of the C++ program's.
"""

import ctypes
import json
import math
import statistics
import sys
import time
import warnings

LEARNING_RATE = 1e-4  # as kLearningRate in tools/lam-benchmark.cc
GEMM_SIZE = 2048
LORA_RANK = 8  # LoraOptions defaults: rank 8, alpha 16, all four targets
LORA_ALPHA = 16.0
GPT2_INIT_STD = 0.02


def load_torch():
    """Imported on use, so that `table` runs without PyTorch."""
    import torch

    return torch


class Config:
    """The keys of models/*.json that the model needs (token-input models only)."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
        if raw.get("input") != "tokens":
            raise ValueError(f"{path}: input {raw.get('input')!r} must be 'tokens'")
        self.name = raw["name"]
        self.vocab_size = raw["vocab_size"]
        self.output_size = raw.get("output_size", self.vocab_size)
        self.context_length = raw["context_length"]
        self.layers = raw["layers"]
        self.width = raw["width"]
        self.heads = raw["heads"]
        self.mlp_width = raw["mlp_width"]
        self.bias = raw.get("bias", True)
        self.tie_embeddings = raw.get("tie_embeddings", False)
        self.layer_norm_eps = raw.get("layer_norm_eps", 1e-5)


def build_model(torch, config, lora):
    """A GptModel twin; LoRA adapters on all four projections of every block when `lora`."""
    nn = torch.nn
    functional = torch.nn.functional
    residual_std = GPT2_INIT_STD / math.sqrt(2.0 * config.layers)

    class LoraLinear(nn.Module):
        def __init__(self, in_features, out_features, std):
            super().__init__()
            self.weight = nn.Parameter(torch.empty(out_features, in_features).normal_(0.0, std))
            self.bias = nn.Parameter(torch.zeros(out_features)) if config.bias else None
            self.lora_a = None
            self.lora_b = None
            self.scaling = 0.0

        def enable_lora(self):
            self.weight.requires_grad_(False)
            if self.bias is not None:
                self.bias.requires_grad_(False)
            out_features, in_features = self.weight.shape
            bound = 1.0 / math.sqrt(in_features)
            self.lora_a = nn.Parameter(torch.empty(LORA_RANK, in_features).uniform_(-bound, bound))
            self.lora_b = nn.Parameter(torch.zeros(out_features, LORA_RANK))
            self.scaling = LORA_ALPHA / LORA_RANK

        def forward(self, x):
            y = functional.linear(x, self.weight, self.bias)  # (..., out)
            if self.lora_a is not None:
                y = y + self.scaling * functional.linear(
                    functional.linear(x, self.lora_a), self.lora_b
                )
            return y

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = LoraLinear(config.width, 3 * config.width, GPT2_INIT_STD)
            self.c_proj = LoraLinear(config.width, config.width, residual_std)

        def forward(self, x):
            batch, steps, width = x.shape
            head_width = width // config.heads
            q, k, v = [
                t.view(batch, steps, config.heads, head_width).transpose(1, 2)  # (B, H, T, D)
                for t in self.c_attn(x).split(width, 2)
            ]
            scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(head_width)  # (B, H, T, T)
            future = torch.ones(steps, steps, dtype=torch.bool).triu(1)
            scores = scores.masked_fill(future, -math.inf)
            y = torch.matmul(torch.softmax(scores, -1), v)  # (B, H, T, D)
            return self.c_proj(y.transpose(1, 2).contiguous().view(batch, steps, width))

    class Mlp(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_fc = LoraLinear(config.width, config.mlp_width, GPT2_INIT_STD)
            self.c_proj = LoraLinear(config.mlp_width, config.width, residual_std)

        def forward(self, x):
            return self.c_proj(functional.gelu(self.c_fc(x), approximate="tanh"))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(config.width, eps=config.layer_norm_eps)
            self.attn = Attention()
            self.ln_2 = nn.LayerNorm(config.width, eps=config.layer_norm_eps)
            self.mlp = Mlp()

        def forward(self, x):
            h = x + self.attn(self.ln_1(x))
            return h + self.mlp(self.ln_2(h))

    class Gpt(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(config.vocab_size, config.width)
            self.wpe = nn.Embedding(config.context_length, config.width)
            self.h = nn.ModuleList([Block() for _ in range(config.layers)])
            self.ln_f = nn.LayerNorm(config.width, eps=config.layer_norm_eps)
            self.head = None
            if not config.tie_embeddings:
                self.head = nn.Linear(config.width, config.output_size, bias=config.bias)
            with torch.no_grad():
                self.wte.weight.normal_(0.0, GPT2_INIT_STD)
                self.wpe.weight.normal_(0.0, GPT2_INIT_STD)
                if self.head is not None:
                    self.head.weight.normal_(0.0, GPT2_INIT_STD)
                    if self.head.bias is not None:
                        self.head.bias.zero_()

        def forward(self, tokens):
            x = self.wte(tokens) + self.wpe(torch.arange(tokens.shape[1]))  # (B, T, C)
            for block in self.h:
                x = block(x)
            y = self.ln_f(x)
            if self.head is None:
                return functional.linear(y, self.wte.weight)  # (B, T, V)
            return self.head(y)

    torch.manual_seed(1)
    model = Gpt()
    if lora:
        for parameter in model.parameters():
            parameter.requires_grad_(False)
        for block in model.h:
            for linear in (block.attn.c_attn, block.attn.c_proj, block.mlp.c_fc, block.mlp.c_proj):
                linear.enable_lora()
    return model


def set_threads(torch, threads):
    """As SetThreads() in tools/lam-benchmark.cc: Debian's OpenBLAS keeps its own pthread
    pool, which torch.set_num_threads() leaves at one thread per core. PyTorch loads it
    privately (RTLD_LOCAL), so it is found by path among the process's mappings."""
    torch.set_num_threads(threads)
    with open("/proc/self/maps", encoding="utf-8") as maps:
        paths = {line.split()[-1] for line in maps if "libopenblas" in line}
    if not paths:
        raise SystemExit("bench_lam: PyTorch does not run on OpenBLAS (see tools/blas-check.cc)")
    for path in paths:
        ctypes.CDLL(path).openblas_set_num_threads(threads)


def make_optimizer(torch, model, foreach=False):
    """Adam as the C++ program's torch::optim::Adam; foreach=True is PyTorch's multi-tensor
    Adam (the same update, fewer interpreter round trips; 1.13's default is off on CPU)."""
    trainable = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.Adam(trainable, lr=LEARNING_RATE, foreach=foreach)


def train_step(torch, model, optimizer, tokens, target, phases=None):
    """zero_grad, forward, next-token cross-entropy, backward, Adam; the loss before the
    update. Appends the milliseconds of forward (and loss), backward and optimizer
    (zero_grad and step) to the lists of `phases` when given."""
    start = time.perf_counter()
    optimizer.zero_grad()
    forward_start = time.perf_counter()
    logits = model(tokens)  # (B, T, V)
    loss = torch.nn.functional.cross_entropy(logits.view(-1, logits.shape[2]), target.view(-1))
    backward_start = time.perf_counter()
    loss.backward()
    step_start = time.perf_counter()
    optimizer.step()
    if phases is not None:
        end = time.perf_counter()
        phases["forward_ms"].append(1e3 * (backward_start - forward_start))
        phases["backward_ms"].append(1e3 * (step_start - backward_start))
        phases["adam_ms"].append(1e3 * (forward_start - start + end - step_start))
    return loss.item()


def count(model, trainable_only):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def verify(model_path, file_path):
    """Loads the C++ weights, runs the same Adam steps, compares parameter counts and losses."""
    torch = load_torch()
    config = Config(model_path)
    saved = torch.load(file_path)
    weights = {k: v for k, v in saved.items() if not k.startswith("_")}
    lora = any(".lora_a" in name for name in weights)
    model = build_model(torch, config, lora)
    model.load_state_dict(weights, strict=True)  # every name and shape must match
    params, trainable = count(model, False), count(model, True)
    if params != int(saved["_params"]) or trainable != int(saved["_trainable"]):
        raise SystemExit(
            f"verify {config.name}: parameters {params} (trainable {trainable}) differ from "
            f"C++ {int(saved['_params'])} ({int(saved['_trainable'])})"
        )
    torch.set_num_threads(2)
    optimizer = make_optimizer(torch, model)
    cpp_losses = saved["_losses"].tolist()
    losses = [
        train_step(torch, model, optimizer, saved["_input"], saved["_target"]) for _ in cpp_losses
    ]
    worst = max(abs(a - b) / abs(b) for a, b in zip(losses, cpp_losses))
    verdict = "ok" if worst < 1e-4 else "MISMATCH"
    print(
        f"verify model={config.name} mode={'lora' if lora else 'full'} params={params} "
        f"trainable={trainable} tensors={len(weights)} steps={len(losses)} "
        f"loss_cpp={','.join(f'{x:.6f}' for x in cpp_losses)} "
        f"loss_python={','.join(f'{x:.6f}' for x in losses)} max_rel_diff={worst:.2e} {verdict}"
    )
    if verdict != "ok":
        raise SystemExit(1)


def export(model_path, mode, batch, steps, out_path, jit_path):
    """Writes a model initialised by Python: its state dict as `dict(model.state_dict())`
    with keys "model.<name>" next to "_input", "_target", the initial model's output
    "_logits" and the losses of 3 Adam steps "_losses", and the same initial model traced
    to TorchScript. LoRA B matrices are drawn non-zero so that their import matters."""
    torch = load_torch()
    config = Config(model_path)
    torch.manual_seed(11)
    model = build_model(torch, config, mode == "lora")
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if ".lora_b" in name:
                parameter.normal_(0, GPT2_INIT_STD)
    tokens = torch.randint(config.vocab_size, (batch, steps))
    target = torch.randint(config.vocab_size, (batch, steps))
    weights = {f"model.{k}": v.detach().clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        logits = model(tokens)
    with warnings.catch_warnings():  # the traced 1/sqrt(head width) is a constant indeed
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.jit.save(torch.jit.trace(model, tokens), jit_path)
    torch.set_num_threads(2)
    optimizer = make_optimizer(torch, model)
    losses = [train_step(torch, model, optimizer, tokens, target) for _ in range(3)]
    torch.save(
        {**weights, "_input": tokens, "_target": target, "_logits": logits,
         "_losses": torch.tensor(losses, dtype=torch.float64)},
        out_path,
    )


def time_steps(model_path, batch, steps, seconds):
    torch = load_torch()
    config = Config(model_path)
    torch.manual_seed(2)
    tokens = torch.randint(config.vocab_size, (batch, steps))
    target = torch.randint(config.vocab_size, (batch, steps))
    for lora in (False, True):
        model = build_model(torch, config, lora)
        for threads in (1, 2):
            set_threads(torch, threads)
            # Both optimizers step in alternation on the same weights, as in the C++ program.
            timed = {name: {"optimizer": make_optimizer(torch, model, name == "foreach"),
                            "ms": [], "forward_ms": [], "backward_ms": [], "adam_ms": []}
                     for name in ("torch", "foreach")}
            for each in timed.values():
                train_step(torch, model, each["optimizer"], tokens, target)  # warm-up
            start = time.perf_counter()
            while time.perf_counter() - start < 2 * seconds or len(timed["foreach"]["ms"]) < 3:
                for each in timed.values():
                    step_start = time.perf_counter()
                    train_step(torch, model, each["optimizer"], tokens, target, each)
                    each["ms"].append(1e3 * (time.perf_counter() - step_start))
            for name, each in timed.items():
                split = " ".join(
                    f"{k}={statistics.median(each[k]):.4g}"
                    for k in ("forward_ms", "backward_ms", "adam_ms")
                )
                ms = each["ms"]
                print(
                    f"step impl=python model={config.name} mode={'lora' if lora else 'full'} "
                    f"adam={name} threads={threads} batch={batch} steps={steps} "
                    f"params={count(model, False)} trainable={count(model, True)} "
                    f"ms={statistics.median(ms):.4g} ms_min={min(ms):.4g} runs={len(ms)} {split}",
                    flush=True,
                )


def parse_lines(path):
    """The key=value lines of a results file, by their first word."""
    rows = {"step": [], "verify": []}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            words = line.split()
            if words and words[0] in rows:
                rows[words[0]].append(dict(w.split("=", 1) for w in words[1:] if "=" in w))
    return rows


def table(path):
    """One row per case: C++ with torch::optim::Adam and with FusedAdam, Python with Adam
    and with foreach Adam; the speed-up of C++ over Python with the same Adam, and of the
    faster C++ step over the faster Python one."""
    rows = parse_lines(path)
    # A case measured in several passes (bench-lam.sh REPEATS): the pass with the fastest
    # median, and the GEMM rate measured in that pass.
    best = {}
    for r in rows["step"]:
        key = (r["impl"], r["adam"], r["model"], r["batch"], r["steps"], r["mode"], r["threads"])
        if key not in best or float(r["ms"]) < float(best[key]["ms"]):
            best[key] = r
    ms = {key: float(r["ms"]) for key, r in best.items()}
    print(
        "| preset | params (trainable) | batch x tokens | mode | threads | GEMM GFLOP/s "
        "| C++ ms, Adam | C++ ms, FusedAdam | % of GEMM, FusedAdam | Python ms, Adam "
        "| Python ms, foreach | C++ speed-up, same Adam | C++ speed-up, fastest of each |"
    )
    print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")

    def cell(value, form):
        return "-" if value is None else form.format(value)

    for key, r in best.items():
        if r["impl"] != "cpp" or r["adam"] != "torch":
            continue
        case = key[2:]
        cpp, fused = ms[("cpp", "torch") + case], ms.get(("cpp", "fused") + case)
        python, foreach = ms.get(("python", "torch") + case), ms.get(("python", "foreach") + case)
        gemm = None if fused is None else float(best[("cpp", "fused") + case]["gemm_gflops"])
        percent = None if fused is None else 100 * float(r["flops"]) / fused / 1e6 / gemm
        same = None if python is None else python / cpp
        fastest = None
        if None not in (fused, python, foreach):
            fastest = min(python, foreach) / min(cpp, fused)
        trainable = "" if r["trainable"] == r["params"] else f" ({int(r['trainable']):,})"
        print(
            f"| {r['model']} | {int(r['params']):,}{trainable} | {r['batch']} x {r['steps']} "
            f"| {r['mode']} | {r['threads']} | {cell(gemm, '{:.3g}')} | {cpp:.4g} | {cell(fused, '{:.4g}')} "
            f"| {cell(percent, '{:.0f} %')} | {cell(python, '{:.4g}')} "
            f"| {cell(foreach, '{:.4g}')} | {cell(same, '{:.2f}x')} | {cell(fastest, '{:.2f}x')} |"
        )


def main(argv):
    if len(argv) == 4 and argv[1] == "verify":
        verify(argv[2], argv[3])
    elif len(argv) == 8 and argv[1] == "export":
        export(argv[2], argv[3], int(argv[4]), int(argv[5]), argv[6], argv[7])
    elif len(argv) == 6 and argv[1] == "time":
        time_steps(argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
    elif len(argv) == 3 and argv[1] == "table":
        table(argv[2])
    else:
        sys.stderr.write(__doc__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
