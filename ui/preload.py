"""Import, once and completely, what the page scripts would otherwise import lazily.

Every session runs its page in a thread of its own. On a freshly started server the first
burst of a class (30 learners in the same second) sent 30 threads into Plotly's first
figure at once; Plotly finds pandas through ``sys.modules`` (``get_module("pandas",
should_load=False)``), so a thread could get pandas while another was still importing it:
``AttributeError: partially initialized module 'pandas' has no attribute 'Series'``.

Importing this module does that work first: pandas in full, then one small figure of every
trace type the app draws, validated and turned into JSON as ``st.plotly_chart`` does (that
loads Plotly's validators and its JSON encoder). Python's import lock makes every other
thread that imports this module wait until it is done, so no script thread builds a figure
before it. ``ui/__init__.py`` imports it, so every page does, before any figure is built.

:func:`warm_server` goes further, for a server about to take its first class (``asgi.py``
calls it in its lifespan, before it listens): what the first run of a page would otherwise
do once per process, while a burst of first sessions waits for it. Measured on the first
run of /gates on a fresh server (cProfile of its script thread, 1.14 s of CPU where a later
session's first run takes 0.06 s): importing the modules the page scripts import, 0.68 s
(/train's class store, SQLAlchemy, comes in through ``ui.callbacks``); Streamlit's check,
at its first element, that it is not in a REPL (``inspect.stack()``), 0.21 s; its table of
emoji names (for the page icon), 0.17 s.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pandas  # noqa: F401  (Plotly and Streamlit look it up in sys.modules)
import plotly.graph_objects as go
import plotly.io as pio

__all__ = ["page_modules", "warm_figure", "warm_server"]

ROOT = Path(__file__).resolve().parents[1]
# Streamlit's own imports at a page's first element: the emoji names (st.set_page_config's
# page_icon), which a script thread would otherwise import in the first session's run.
STREAMLIT_LAZY = ("streamlit.emojis",)


def warm_figure() -> go.Figure:
    """A tiny figure with the app's trace types, frames, a slider and annotations."""
    fig = go.Figure(
        data=[go.Heatmap(z=[[0.0, 1.0]], text=[["a", "b"]], texttemplate="%{text}"),
              go.Scatter(x=[0, 1], y=[1, 0], mode="lines+markers+text", text=["a", "b"]),
              go.Bar(x=["a"], y=[1.0])],
        frames=[go.Frame(data=[go.Heatmap(z=[[1.0, 0.0]])], name="0")],
        layout=go.Layout(sliders=[dict(steps=[dict(label="0", method="animate", args=[["0"]])])],
                         updatemenus=[dict(type="buttons", buttons=[dict(label="▶",
                                                                         method="animate",
                                                                         args=[None])])],
                         annotations=[dict(text="x", x=0, y=0)], shapes=[dict(type="line")]),
    )
    fig.update_layout(template="plotly_white")
    return fig


def page_modules(root: Path = ROOT) -> list[str]:
    """The modules the entry script and every page script import (``from ui import
    callbacks`` names ``ui.callbacks``), in the order the scripts name them."""
    names: list[str] = []
    for script in [root / "app.py", *sorted((root / "pages").glob("*.py"))]:
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                names += [f"{node.module}.{alias.name}" for alias in node.names
                          if _is_submodule(node.module, alias.name)]
    return list(dict.fromkeys(names))


def _is_submodule(package: str, name: str) -> bool:
    spec = importlib.util.find_spec(package)
    return bool(spec and spec.submodule_search_locations) and \
        importlib.util.find_spec(f"{package}.{name}") is not None


def warm_server(root: Path = ROOT) -> list[str]:
    """Do, before the server takes sessions, the once-per-process work of a page's first run
    (the module's docstring says what and how much). Returns the modules imported."""
    names = page_modules(root)
    for name in (*names, *STREAMLIT_LAZY):
        importlib.import_module(name)
    _streamlit_first_element()
    return names


def _streamlit_first_element() -> None:
    """Streamlit's once-per-process check at the first element of any script
    (``delta_generator._maybe_print_use_warning``: is this a REPL, is there a runtime?),
    done now rather than in the first session's run. Only in a server whose runtime has
    started (st.App starts it before the app's lifespan), where it prints nothing; elsewhere,
    or in a Streamlit without the function, the first element does the check as before."""
    from streamlit import delta_generator
    from streamlit.runtime import Runtime

    check = getattr(delta_generator, "_maybe_print_use_warning", None)
    if callable(check) and Runtime.exists():
        check()


pio.to_json(warm_figure(), validate=True)
