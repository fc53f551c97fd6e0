"""The layers: pages → ui → figures → text → lstm_viz.

The packages are checked by import-linter (``make lint``, contracts in pyproject.toml);
pages and app.py are scripts it cannot read as a package, so their imports are read here.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
OURS = {"lstm_viz", "text", "figures", "ui"}
# A page wires widgets to the layers below: no arithmetic, no figures of its own.
NOT_IN_PAGES = {"numpy", "plotly", "pandas", "cli"}


def imported(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_a_page_imports_streamlit_the_standard_library_and_the_layers(path):
    names = imported(path)
    assert names & OURS  # the check really read the page
    others = names - OURS - {"streamlit"} - set(sys.stdlib_module_names)
    assert not others, others
    assert not names & NOT_IN_PAGES


def test_the_check_sees_a_bad_import(tmp_path):
    page = tmp_path / "8_bad.py"
    page.write_text("import numpy as np\nfrom plotly import graph_objects\nfrom ui import common\n")
    assert imported(page) == {"numpy", "plotly", "ui"}
