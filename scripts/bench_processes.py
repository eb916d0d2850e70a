"""The benchmark's fresh processes: a phase (`bench.py --phase`), `trainer` until its deck list
is drawn, `trainer --version`/`--help`; where the collection of N cards lives, and a copy of
it for a phase that changes it."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_phase import peak_mb

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().with_name("bench.py")  # the command, which runs a phase


def run_phase(name: str, url: str, env: dict, extra: str = "") -> dict:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--phase", name, "--db", url, "--extra", extra],
        capture_output=True, text=True, env=env, check=False,
    )
    if done.returncode:
        raise SystemExit(f"bench: phase {name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_launch(url: str, env: dict, runs: int = 3) -> tuple[float, float]:
    """`trainer --exit-after-mount` on a pseudo-terminal: from the process's start until the
    deck list is drawn with every deck's counts (the app writes that moment to a file)."""
    import pty

    times, peaks = [], []
    mark = Path(tempfile.mkdtemp(prefix="trainer-launch-")) / "drawn"
    env = env | {"TRAINER_LAUNCH_MARK": str(mark)}
    trainer = Path(sys.executable).parent / "trainer"
    command = [str(trainer)] if trainer.exists() else [sys.executable, "-m", "trainer"]
    for _ in range(runs + 1):  # the first run loads the bundled decks: not counted
        leader, follower = pty.openpty()
        os.set_blocking(leader, False)
        mark.unlink(missing_ok=True)
        started = time.time()  # the wall clock: the app writes the time it drew the list
        proc = subprocess.Popen(
            [*command, "--db", url, "--exit-after-mount"],
            stdin=follower, stdout=follower, stderr=follower, env=env | {"TERM": "xterm-256color",
                                                                          "COLUMNS": "100",
                                                                          "LINES": "30"},
        )
        os.close(follower)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, peak_mb(proc.pid))
            try:
                os.read(leader, 65536)
            except (BlockingIOError, OSError):
                time.sleep(0.002)
        os.close(leader)
        if proc.returncode or not mark.exists():
            raise SystemExit(f"bench: trainer --exit-after-mount exited {proc.returncode}")
        elapsed = float(mark.read_text()) - started  # to first paint, not to process exit
        times.append(elapsed)
        peaks.append(peak)
        print(f"  launch run: {elapsed:.3f} s, peak {peak:.0f} MB", file=sys.stderr)
    return statistics.median(times[1:]), max(peaks[1:])


def time_cli(argument: str, env: dict, runs: int = 5) -> float:
    """`trainer --version` or `--help`, whole process: the median of ``runs``."""
    trainer = Path(sys.executable).parent / "trainer"
    command = [str(trainer)] if trainer.exists() else [sys.executable, "-m", "trainer"]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([*command, argument], env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def collection(n: int, workdir: Path) -> tuple[Path, str, dict, Path]:
    """Where the collection of ``n`` cards lives: its database, URL, phases' environment and
    corpus."""
    home = workdir / f"home-{n}"
    # the corpus alone: the bundled decks (152 cards) would add their own first import
    env = os.environ | {"TRAINER_HOME": str(home), "PYTHONPATH": str(ROOT),
                        "TRAINER_BUNDLED_DECKS": "0"}
    db = home / "trainer.db"
    return db, f"sqlite:///{db}", env, workdir / f"corpus-{n}.tsv"


def fresh_copy(path: Path, to: Path) -> Path:
    """A copy of a database (and its write-ahead log) for a phase that changes it."""
    import shutil

    for suffix in ("", "-wal"):
        target = Path(str(to) + suffix)
        target.unlink(missing_ok=True)
        if Path(str(path) + suffix).exists():
            shutil.copyfile(str(path) + suffix, target)
    return to
