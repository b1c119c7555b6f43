"""`python main.py ...` in a subprocess, as a shopkeeper or a script runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str


def aftercare(*words: str | Path, home: Path | None = None, timeout: float = 300) -> Run:
    """Run the app's command line; with `home`, in data folders of its own there."""
    env = os.environ | {"PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen"}
    if home is not None:
        env |= {
            f"XDG_{kind}_HOME": str(home / kind.lower())
            for kind in ("DATA", "CONFIG", "STATE", "CACHE")
        }
    done = subprocess.run(
        [sys.executable, "main.py", *map(str, words)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)
