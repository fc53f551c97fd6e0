"""Issue 14, memory: a closed session must not keep its page's whole run.

A widget callback stays in the session's state until the session is dropped (a closed one
is kept ``server.disconnectedSessionTTL`` s). A callback defined in a page script keeps the
script's globals through ``__globals__``: its trace and figures, ~25 MB after a largest
/stacked view. Every page hands its widgets callbacks and format functions from
``ui/callbacks.py`` instead: no function defined in a page, no lambda.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CALLBACK_ARGS = {"on_click", "on_change", "on_model", "format_func"}


def page_callbacks(path: Path) -> list[str]:
    """Callbacks given to widgets that are defined in the page itself (functions, lambdas)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        values = [k.value for k in node.keywords if k.arg in CALLBACK_ARGS]
        if getattr(node.func, "attr", "") == "model_picker" and len(node.args) > 3:
            values.append(node.args[3])
        if getattr(node.func, "attr", "") == "choice" and len(node.args) > 5:
            values.append(node.args[5])  # common.choice's format function
        for v in values:
            if isinstance(v, ast.Lambda) or (isinstance(v, ast.Name) and v.id in own):
                found.append(ast.unparse(v).replace("lambda :", "lambda:"))  # 3.10 spaces it
    return found


PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


def test_every_page_is_checked():
    assert len(PAGES) >= 7 and {"4_memory.py", "6_why.py", "7_lessons.py"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_widget_callbacks_are_not_defined_in_the_page(page):
    assert page_callbacks(ROOT / "pages" / page) == []


def test_the_check_finds_a_page_lambda_as_a_format_function(tmp_path):
    # as /memory, /why and /lessons did: a choice's labels, a radio's format_func
    page = tmp_path / "p.py"
    page.write_text("lang = 'en'\n"
                    "common.choice(box.radio, 'l', O, 'k', 'a', lambda m: tr(m, lang))\n"
                    "st.radio('p', (1, 2), key='part', format_func=lambda p: str(p))\n")
    assert page_callbacks(page) == ["lambda m: tr(m, lang)", "lambda p: str(p)"]


def test_the_check_finds_a_page_callback(tmp_path):
    page = tmp_path / "p.py"
    page.write_text("def _go():\n    pass\n\nst.button('x', on_click=_go)\n"
                    "controls.model_picker(box, lang, 'h', _go)\n"
                    "st.selectbox('y', [1], on_change=lambda: None)\n")
    assert page_callbacks(page) == ["_go", "_go", "lambda: None"]


def test_set_state_keeps_no_page_globals():
    from ui import callbacks

    assert callbacks.set_state.__globals__ is vars(callbacks)
    assert callbacks.gates_model_changed.__globals__ is vars(callbacks)


@pytest.mark.parametrize("page, query", [
    ("gates", dict(mode="chars", units=64, seed=7, seq="abcdef" * 20)),
    ("stacked", dict(mode="chars", units="8,8", seed=7, seq="abcdef" * 20)),
    ("memory", dict(demo="pronoun-en")),
    ("why", dict(model="random", mode="chars", units=8, seed=7, seq="abcdef" * 5)),
    ("lessons", dict(part=1, step=2)),
])
def test_a_sessions_state_keeps_no_page_run(page, query):
    # The session (its widget state) is alive as long as `at` is, as a closed session is
    # until its TTL; the page's globals, with their trace and figures, must be gone.
    import gc

    from conftest import PAGES, assert_clean, open_page

    at = open_page(page, **query)
    assert_clean(at)
    gc.collect()
    script = PAGES[page]
    held = [o for o in gc.get_objects() if isinstance(o, dict)
            and str(o.get("__file__", "")).endswith(script) and "lang" in o]  # a page's run
    assert held == [], f"{script}'s globals are still alive after its run"
