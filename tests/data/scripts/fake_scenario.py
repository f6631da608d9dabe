#!/usr/bin/python3
"""A stand-in scenario for tests/cli/scripts.sh: honours the output contract of real
scenarios (summary.csv, then run.json last and atomically, in --outDir) in no time.

--counter=FILE   appends one line per invocation (to count runs)
--failWhen=S     exits 3 with a message on stderr when --scheduler equals S
"""
import os
import sys

args = {}
for arg in sys.argv[1:]:
    name, sep, value = arg.partition("=")
    if not name.startswith("--") or not sep:
        print(f"fake_scenario: bad argument {arg!r}", file=sys.stderr)
        sys.exit(2)
    args[name[2:]] = value
known = {"outDir", "numUes", "scheduler", "RngRun", "counter", "failWhen"}
if set(args) - known or "outDir" not in args:
    print(f"fake_scenario: unknown arguments {sorted(set(args) - known)} or no --outDir",
          file=sys.stderr)
    sys.exit(2)
if "counter" in args:
    with open(args["counter"], "a") as f:
        f.write(" ".join(sys.argv[1:]) + "\n")
if args.get("scheduler") == args.get("failWhen"):
    print("fake_scenario: scheduler " + args["scheduler"] + " diverged (as asked)",
          file=sys.stderr)
    sys.exit(3)

os.makedirs(args["outDir"], exist_ok=True)
num_ues = int(args.get("numUes", "1"))
run = int(args.get("RngRun", "1"))
# numUes is echoed on purpose: sweep.py must rename it (clash with a grid argument).
with open(os.path.join(args["outDir"], "summary.csv"), "w") as f:
    f.write("numUes,throughput_mbps,scheduler_name\n")
    f.write(f"{num_ues},{10.0 * num_ues + run:.1f},{args.get('scheduler', '')}\n")
tmp = os.path.join(args["outDir"], f"run.json.tmp.{os.getpid()}")
with open(tmp, "w") as f:
    f.write('{"scenario": "fake"}\n')
os.replace(tmp, os.path.join(args["outDir"], "run.json"))
