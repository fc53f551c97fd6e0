"""benchmarks/train_burst.py, small: 4 learners press Train, 1 works on the other pages.

Checks that the benchmark still speaks the app's protocol (it broke silently once, when the
gates player replaced the step slider) and what it must never report: an error or a leak.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_small_class_presses_train_without_errors():
    cmd = [sys.executable, str(ROOT / "benchmarks" / "train_burst.py"), "--learners", "4",
           "--others", "1", "--ramp", "1", "--think", "0.2", "0.5"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "errors: none" in out and "leaks: 0" in out, out
    for row in ("first curve (click →)", "finished (click →)", "other pages, all", "step"):
        assert f"\n{row}" in out, (row, out)
    assert "estimate before the click" in out or "shown at once" in out, out
