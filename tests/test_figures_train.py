"""figures/train.py: the learning curves hold exactly the run's history."""

import numpy as np
import pytest
from conftest import decode

from figures.train import smooth, training_figure
from text.i18n import tr


def traces(fig):
    spec = fig.to_plotly_json()
    return spec["data"], spec["layout"]


def test_raw_curves_are_the_history_step_by_step():
    rng = np.random.default_rng(0)
    losses, accuracies = rng.uniform(0, 2, 40), rng.uniform(0, 1, 40)
    data, layout = traces(training_figure(losses, accuracies, total=100))
    by_axis = {(trc["xaxis"], trc["name"]): trc for trc in data}
    loss = by_axis["x", tr("train.fig.batch")]
    accuracy = by_axis["x2", tr("train.fig.batch")]
    np.testing.assert_array_equal(decode(loss["y"]), losses)
    np.testing.assert_array_equal(decode(accuracy["y"]), accuracies)
    np.testing.assert_array_equal(decode(loss["x"]), np.arange(1, 41))  # steps count from 1
    assert accuracy["yaxis"] == "y2" and loss["yaxis"] == "y"
    assert tuple(layout["xaxis"]["range"]) == (1, 100)  # the whole run, filled as it goes
    assert tuple(layout["xaxis2"]["range"]) == (1, 100)


def test_smoothed_curves_follow_the_history():
    losses = np.linspace(2, 0.1, 50)
    data, _ = traces(training_figure(losses, np.linspace(0, 1, 50)))
    smoothed = [trc for trc in data if trc["name"] == tr("train.fig.smooth")]
    assert len(smoothed) == 2
    np.testing.assert_allclose(decode(smoothed[0]["y"]), smooth(losses))


def test_smooth_is_an_exponential_moving_average_debiased():
    assert smooth([4.0])[0] == 4.0  # the first point is itself, not pulled to 0
    s = smooth([0.0, 10.0], weight=0.5)
    # s1 = 0; s2 = (0.5·0 + 0.5·10) / (1 − 0.25) = 6.666…
    np.testing.assert_allclose(s, [0.0, 5 / 0.75])
    np.testing.assert_allclose(smooth(np.full(30, 0.7)), 0.7)


def test_held_out_result_is_marked_at_the_last_step():
    data, _ = traces(training_figure([1.0, 0.5, 0.2], [0.4, 0.7, 0.9], total=10,
                                     held_out=(0.25, 0.875)))
    marks = [trc for trc in data if trc["name"] == tr("train.fig.held_out")]
    assert [(list(m["x"]), list(m["y"])) for m in marks] == [([3], [0.25]), ([3], [0.875])]
    assert marks[1]["text"] == ["88%"] and marks[0]["text"] == ["0.250"]


def test_empty_history_draws_empty_axes_and_a_prompt():
    data, layout = traces(training_figure([], [], total=300, lang="zh"))
    assert all(len(decode(trc["y"])) == 0 for trc in data)
    assert tuple(layout["xaxis"]["range"]) == (1, 300)
    assert tr("train.fig.empty", "zh") in [a["text"] for a in layout["annotations"]]
    assert tr("train.fig.loss_title", "zh") in str(layout["annotations"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_are_translated(lang):
    _, layout = traces(training_figure([1.0], [0.5], total=5, lang=lang))
    assert layout["yaxis"]["title"]["text"] == tr("train.fig.loss", lang)
    assert layout["yaxis2"]["title"]["text"] == tr("train.fig.accuracy", lang)
    assert layout["xaxis"]["title"]["text"] == tr("train.fig.step", lang)
