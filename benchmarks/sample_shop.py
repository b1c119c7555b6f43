"""The large sample shop the measurements run on, built once and kept in benchmarks/.cache/.

The cache key is the size, the seed and a digest of the code that shapes the file (the shop's
rules, which the demo uses, and the store: models, migrations, search index), so a change
there builds a new shop.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import Any

from benchmarks import Context

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
SHAPING_CODE = ("desktop/shop", "desktop/store")


@cache
def code_version() -> str:
    digest = hashlib.sha256()
    for folder in SHAPING_CODE:
        for source in sorted((ROOT / folder).rglob("*.py")):
            digest.update(source.relative_to(ROOT).as_posix().encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def cache_path(context: Context) -> Path:
    size = f"{context.customers}c-{context.years:g}y-seed{context.seed}"
    return CACHE / f"sample-{size}-{code_version()}.aftercare"


@cache
def quiet_environment() -> dict[str, str]:
    """The environment for the app's processes: offscreen, and its logs, settings and backups
    in a scratch folder rather than the user's own."""
    home = tempfile.mkdtemp(prefix="aftercare-bench-")
    # The app backs the shop up when its window closes: those copies go with the run.
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    folders = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
    scratch = {name: str(Path(home) / name.lower()) for name in folders}
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", **scratch}


def run_script(script: str, *args: str, what: str) -> Any:
    """Run `script` in a fresh Python process of the app's own (quiet environment, project
    folder) and read the JSON it printed last; RuntimeError naming `what` if it failed."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=quiet_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the {what} probe failed: {done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def build(context: Context) -> tuple[float, str]:
    """Build the sample shop with the `demo` command in a fresh process, into the cache.
    Returns the wall-clock seconds and the command's summary line."""
    CACHE.mkdir(exist_ok=True)
    path = cache_path(context)
    building = path.with_name(path.name + ".building")
    for leftover in (building, *(Path(f"{building}{end}") for end in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    command = [sys.executable, "main.py", "demo", "--db", str(building)]
    command += ["--customers", str(context.customers), "--years", f"{context.years:g}"]
    command += ["--seed", str(context.seed)]
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, env=quiet_environment(), capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the demo command failed: {done.stderr.strip()}")
    # The process has closed the file, so it is whole (its WAL checkpointed): safe to rename.
    os.replace(building, path)
    for stale in CACHE.glob("sample-*.aftercare"):
        if not stale.name.endswith(f"-{code_version()}.aftercare"):
            stale.unlink()
    context.shop_file = path
    return seconds, done.stdout.strip()


def sample_shop(context: Context) -> Path:
    """The cached sample shop for this run's size, built first when there is none."""
    if context.shop_file is None:
        path = cache_path(context)
        if path.exists():
            context.shop_file = path
        else:
            build(context)
    assert context.shop_file is not None
    return context.shop_file
