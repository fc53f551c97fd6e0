"""Issue 14, item 8: the first burst of a class on a freshly started server.

Plotly looks pandas up in ``sys.modules`` while it builds a figure; on a fresh server, 30
script threads building their first figure at once could find it half imported. Every page
must therefore have pandas (and Plotly's validators) completely loaded by the time its
imports are done, before it builds anything: checked in a fresh interpreter per page, and
end to end by a cold burst against a real server.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]

PROBE = """
import ast, sys
tree = ast.parse(open({path!r}, encoding="utf-8").read())
for node in tree.body:  # the script's imports, in order, and nothing else
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        exec(compile(ast.Module([node], []), {path!r}, "exec"))
pandas = sys.modules.get("pandas")
from plotly.validator_cache import ValidatorCache
print(pandas is not None and hasattr(pandas, "Series") and hasattr(pandas, "DataFrame"),
      ValidatorCache._json_cache is not None)
"""


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_pages_imports_load_pandas_and_plotlys_validators_completely(script):
    done = subprocess.run([sys.executable, "-c", PROBE.format(path=script)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"], (script, done.stdout)


def test_every_page_imports_the_ui_package():
    for script in SCRIPTS:
        tree = ast.parse((ROOT / script).read_text(encoding="utf-8"))
        names = {n.module.split(".")[0] for n in tree.body if isinstance(n, ast.ImportFrom)
                 if n.module} | {a.name.split(".")[0] for n in tree.body
                                 if isinstance(n, ast.Import) for a in n.names}
        assert "ui" in names, script


def test_a_cold_burst_has_no_errors(tmp_path):
    """12 learners open /gates in the same second as `make run`'s server (asgi.py) first
    answers."""
    out = tmp_path / "cold.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "classroom_load.py"), "--cold-burst", "1",
           "--sessions", "12", "--started", "0", "--timeout", "90", "--json", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    figures = json.loads(out.read_text())
    assert figures["errors"] == 0, done.stdout
    (start,) = figures["starts"]
    assert start["latency"]["n"] == 12 and not start["server_log"], done.stdout
    assert start["entry"] == "asgi.py" and start["preloaded"], done.stdout
    assert done.returncode == 0


def test_asgi_preloads_before_it_answers(tmp_path):
    """`make run`'s server (asgi.py) imports ui/preload.py in st.App's lifespan: by the time
    its health check answers, the import is done, so a burst in that second finds it loaded."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from classroom_load import PRELOADED
    from server import start_server, stop

    log = tmp_path / "server.log"
    proc, _ = start_server(log, script="asgi.py")
    try:
        assert PRELOADED in log.read_text(errors="replace")
    finally:
        stop(proc)


WARM = """
import sys
import ui.preload
names = ui.preload.warm_server()
print(" ".join(names))
print(all(n in sys.modules for n in names), "streamlit.emojis" in sys.modules,
      "ui.callbacks" in names, "ui.step_detail" in names)
"""


def test_warm_server_imports_every_module_the_page_scripts_import():
    """asgi.py's lifespan runs ui.preload.warm_server(): the first session's run of /gates
    on a fresh server had spent 0.68 s of its 1.14 s importing what the scripts import."""
    done = subprocess.run([sys.executable, "-c", WARM], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    names, checks = done.stdout.strip().splitlines()
    assert checks.split() == ["True"] * 4, done.stdout
    for script in SCRIPTS:  # every `from ui import x` of every page is among them
        for node in ast.parse((ROOT / script).read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module == "ui":
                assert {f"ui.{a.name}" for a in node.names} <= set(names.split()), script
