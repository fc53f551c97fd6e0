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
"""

from __future__ import annotations

import pandas  # noqa: F401  (Plotly and Streamlit look it up in sys.modules)
import plotly.graph_objects as go
import plotly.io as pio

__all__ = ["warm_figure"]


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


pio.to_json(warm_figure(), validate=True)
