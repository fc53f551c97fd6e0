"""benchmarks/classroom_load.py, small: 3 learners (one in Chromium) for about 20 s.

Checks that the load script works end to end against a real server, and what it must
never report at any size: an error, or a session receiving another session's sequence.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]


def test_a_small_class_has_no_errors_and_no_leaks(chromium, tmp_path):
    out = tmp_path / "class.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "classroom_load.py"), "--sessions", "3",
           "--browsers", "1", "--seconds", "20", "--ramp", "1", "--think", "0.3", "1",
           "--train-steps", "20", "--json", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(out.read_text())
    assert figures["errors"] == {}, figures["error_lines"]
    assert figures["leaks"] == []
    assert figures["typed"] == 3 and figures["own_seen"] == 3, "each saw its own sequence"
    kinds = {name.split()[1] for name in figures["latency"]}
    assert {"open", "type", "step", "overall"} <= kinds, figures["latency"]
    assert "chromium overall" in figures["latency"], "the Chromium learner was timed"
    assert figures["resources"]["server"]["rss_peak_mb"] > 0
    assert "Isolation: 3 sessions typed a unique marker" in done.stdout
