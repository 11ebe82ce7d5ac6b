"""Speed of the kit, as ratios against baselines measured in the same run.

usage: python bench/run.py [--rounds N]

Builds synthetic claims files of 2,000 and 8,000 claims from claims.yaml's
own claims, then times whole commands as subprocesses, interleaved round by
round so that drift in the machine's speed hits every command alike, and
prints each ratio of medians beside its goal.  The start-up rows are a
guard (within 1.6× of the bare imports), not a target.  It exits 1 when a
ratio misses its goal.  It is a benchmark, not a test: CI does not run it.
"""
import argparse
import compileall
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIT = os.path.join(ROOT, "kit.py")
SHIPPED = os.path.join(ROOT, "claims.yaml")
PYTHON = sys.executable


def build_file(folder: str, count: int) -> str:
    """A claims file of `count` claims: the shipped claims, copied with new ids."""
    with open(SHIPPED, encoding="utf-8") as handle:
        text = handle.read()
    head, rest = text.split("\nclaims:\n", 1)
    claims_text = rest.split("\n# Arithmetic cross-checks", 1)[0]
    blocks = ["  - id:" + block for block in claims_text.split("  - id:")[1:]]
    out = [head, "\nclaims:\n"]
    written = 0
    copy = 0
    while written < count:
        for block in blocks:
            if written == count:
                break
            if copy:
                first, newline, others = block.partition("\n")
                block = f"{first}-copy-{copy}{newline}{others}"
            out.append(block if block.endswith("\n") else block + "\n")
            written += 1
        copy += 1
    path = os.path.join(folder, f"claims-{count}.yaml")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("".join(out))
    return path


def time_command(argv: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0,):
        raise SystemExit(f"bench: {' '.join(argv)} exited {result.returncode}:"
                         f" {result.stderr.decode()[:300]}")
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21,
                        help="interleaved rounds per command (default 21)")
    args = parser.parse_args(argv)
    # Time the kit as an installed copy runs: from compiled bytecode, even
    # where PYTHONDONTWRITEBYTECODE keeps Python from writing it itself.
    compileall.compile_dir(os.path.join(ROOT, "claimkit"), quiet=1)

    with tempfile.TemporaryDirectory() as folder:
        small = build_file(folder, 2000)
        large = build_file(folder, 8000)
        load_gc_paused = (
            "import gc, sys, yaml; gc.disable(); "
            "yaml.load(open(sys.argv[1], encoding='utf-8'), Loader=yaml.CSafeLoader)"
        )
        commands = {
            "list": [PYTHON, KIT, "list"],
            "import yaml+rich": [PYTHON, "-c", "import yaml, rich.console, rich.table"],
            "check": [PYTHON, KIT, "check"],
            "import yaml": [PYTHON, "-c", "import yaml"],
            "check 8000": [PYTHON, KIT, "check", "-f", large],
            "check 2000": [PYTHON, KIT, "check", "-f", small],
            "yaml.load 8000": [PYTHON, "-c", load_gc_paused, large],
            "yamllint 2000": [PYTHON, "-m", "yamllint", "-d", "relaxed", small],
        }
        times = {name: [] for name in commands}
        for command in commands.values():  # warm the caches once
            time_command(command)
        for _ in range(args.rounds):
            for name, command in commands.items():
                times[name].append(time_command(command))
    median = {name: statistics.median(values) for name, values in times.items()}

    # Start-up is a guard, not a target: within 1.6× of the imports it needs.
    rows = [
        ("list, shipped file (guard)", "list", "import yaml+rich", 1.6),
        ("check, shipped file (guard)", "check", "import yaml", 1.6),
        ("check, 8,000 claims", "check 8000", "yaml.load 8000", 1.5),
        ("check, 8,000 vs 2,000 claims", "check 8000", "check 2000", 4.6),
        ("check, 2,000 claims", "check 2000", "yamllint 2000", 0.5),
    ]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores,"
          f" Python {platform.python_version()}, {args.rounds} rounds")
    print("medians: " + ", ".join(f"{name} {value * 1000:.1f} ms"
                                  for name, value in median.items()))
    print(f"{'what':30} {'compared with':18} {'ratio':>6} {'goal':>6}")
    missed = 0
    for label, what, against, goal in rows:
        ratio = median[what] / median[against]
        mark = "ok" if ratio <= goal else "MISSED"
        missed += ratio > goal
        print(f"{label:30} {against:18} {ratio:6.2f} {goal:6.2f}  {mark}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
