"""Run every benchmark in bench/ (files named bench_*.py) and print their figures.

Each benchmark is a standalone script that sets up Django itself, builds its own
data in a scratch database and prints its figures. Pass names to run a subset:
`python bench/run_all.py customers_import`.
"""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(selected: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if selected:
        scripts = [s for s in scripts if any(name in s.stem for name in selected)]
    if not scripts:
        print("no benchmarks found")
        return 1
    failures = 0
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        print(f"   ({time.perf_counter() - started:.1f} s, exit {result.returncode})", flush=True)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
