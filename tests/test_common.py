"""ui/common.py: the projector's larger charts and the CSS every page gets."""

import plotly.graph_objects as go

from figures.theme import TEMPLATE
from ui import common


def test_presented_scales_every_font_and_marker_and_the_height():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], mode="markers+text", text=["a", "b"],
                               marker=dict(size=[10, 20]), textfont=dict(size=16)),
                    layout=dict(template=TEMPLATE, height=400,
                                xaxis=dict(tickfont=dict(size=15))))
    spec = common.presented(fig, scale=1.5)
    assert spec["data"][0]["textfont"]["size"] == 24
    assert spec["data"][0]["marker"]["size"] == [15, 30]
    assert spec["layout"]["xaxis"]["tickfont"]["size"] == 22.5
    assert spec["layout"]["template"]["layout"]["font"]["size"] == 1.5 * TEMPLATE.layout.font.size
    assert spec["layout"]["height"] == 600
    assert fig.layout.height == 400 and fig.data[0].textfont.size == 16  # the figure is untouched
    assert common.presented(go.Figure(), scale=1.5)["layout"]["height"] == 675  # Plotly's 450


def test_projector_css_never_shrinks_a_metric_value():
    # Streamlit draws a metric's value at 2.25rem; the projector's rule for text (1.3rem)
    # must not reach it (the /params totals went from 36 px to 21 px).
    css = common._PRESENT_CSS
    assert '[data-testid="stMetricValue"] * { font-size: 3rem !important; }' in css
    for rule in ("input", "textarea", "button"):
        assert f'[data-testid="stMain"] {rule}' in css


def test_captions_are_dark_enough_for_wcag_aa():
    from figures.theme import contrast

    assert "#595959" in common._BASE_CSS
    assert contrast("#595959", "#FFFFFF") >= 4.5
