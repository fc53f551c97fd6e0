"""pages/2_stacked.py through AppTest."""

import numpy as np
import pytest
from conftest import assert_clean, count_calls, decode, open_page, plotly_specs

from lstm_viz import StackedLSTM
from lstm_viz.inputs import encode


def test_default_is_the_article_stack():
    at = open_page("stacked")
    assert_clean(at)
    assert not at.error
    assert at.text_input(key="units").value == "128, 64, 32, 8"
    assert at.number_input(key="dense").value == 1
    specs = plotly_specs(at)
    assert len(specs) == 3  # unrolled picture, heatmaps, head output
    table = at.dataframe[0].value
    assert list(table.iloc[:, 3]) == ["[6, 1, 128]", "[6, 1, 64]", "[6, 1, 32]", "[6, 1, 8]"]
    assert list(table.iloc[:, 4]) == ["[1, 6, 128]", "[1, 6, 64]", "[1, 6, 32]", "[1, 6, 8]"]


def test_heatmaps_hold_each_layers_h():
    at = open_page("stacked", seq="a b c", mode="words", units="3, 2", dense=0, seed=4)
    assert_clean(at)
    seq = encode("a b c", "words", seed=4)
    trace = StackedLSTM.random(seq.x.shape[1], (3, 2), seed=4).run(seq.x)
    heat = [decode(tr["z"]) for tr in plotly_specs(at)[1]["data"] if tr.get("type") == "heatmap"]
    flat = [np.asarray(v, float).reshape(-1) for v in heat]
    for layer in trace.layers:
        want = np.sort(layer.h.reshape(-1))
        assert any(f.size == want.size and np.allclose(np.sort(f), want, atol=1e-6) for f in flat)
    assert len(plotly_specs(at)) == 2  # no head, no head chart


def test_widgets_and_preset():
    at = open_page("stacked", units="4", dense=0)
    at.text_input(key="units").set_value("16, 8").run()
    assert_clean(at)
    assert len(at.dataframe[0].value) == 2
    at.number_input(key="seed").set_value(7).run()
    at.number_input(key="dense").set_value(3).run()
    at.segmented_control(key="mode").set_value("chars").run()
    at.text_area(key="seq").set_value("hi!").run()
    assert_clean(at)
    assert not at.error and len(plotly_specs(at)) == 3
    at.button[0].click().run()  # the lesson's example
    assert_clean(at)
    assert at.text_input(key="units").value == "128, 64, 32, 8"


@pytest.mark.parametrize("units, fragment", [
    ("128, x", "“x”"), ("", "comma"), ("0", "from 1 to 256"), ("1,2,3,4,5,6,7,8,9", "At most 8"),
    ("<b>1</b>", "<b>1</b>"),
])
def test_bad_units_give_a_message(units, fragment):
    at = open_page("stacked", seed=11)
    at.text_input(key="units").set_value(units).run()
    assert_clean(at)
    assert fragment in at.error[0].value.replace("\\", "")
    assert at.number_input(key="seed").value == 11


def test_bad_sequence_gives_a_message():
    at = open_page("stacked")
    at.text_area(key="seq").set_value("0.1 0.2; 0.3").run()
    assert_clean(at)
    assert "Step 2" in at.error[0].value.replace("\\", "")


def test_query_parameters_reproduce_the_view():
    at = open_page("stacked", seq="x y z w", mode="words", units="6,5", seed=2, dense=2)
    assert_clean(at)
    assert at.text_input(key="units").value == "6,5"
    assert at.number_input(key="dense").value == 2
    assert len(at.dataframe[0].value) == 2


def test_a_second_learner_on_the_same_view_gets_the_figures_already_built(monkeypatch):
    """The page's three figures are built once per view and shared (ui/compute
    stacked_figures): the same charts for the next learner, none built again; other layer
    sizes or another language are another view."""
    import ui.compute as compute

    built = count_calls(monkeypatch, compute,
                        ("unrolled_figure", "stack_heatmaps", "head_output_figure"))
    compute.stacked_figures.clear()  # the server's shared cache, emptied for this test
    first = open_page("stacked")
    assert_clean(first)
    assert sorted(built) == ["head_output_figure", "stack_heatmaps", "unrolled_figure"]
    second = open_page("stacked")
    assert_clean(second)
    assert len(built) == 3, "the second learner's run built no figure"
    assert plotly_specs(second) == plotly_specs(first)
    for query in ({"units": "4, 2"}, {"lang": "zh"}):
        built.clear()
        assert_clean(open_page("stacked", **query))
        assert len(built) == 3, query
