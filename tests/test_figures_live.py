"""figures/live.py: the answers to a choice and to a count, drawn as bars."""

from __future__ import annotations

from figures.live import answer_counts, choices_figure, count_bars, count_figure


def test_a_choice_counts_each_option_and_marks_the_truth_and_your_own():
    fig = choices_figure([2.0, 0.0, 2.0, 2.0], ["f", "i", "o"], ["red", "green", "blue"],
                         truth=1.0, own=2.0)
    bar = fig.data[0]
    assert list(bar.y) == [1, 0, 3]
    assert list(bar.marker.line.width) == [0, 4, 0]  # the truth outlined, even with no votes
    assert list(fig.layout.xaxis.ticktext) == ["f", "i<br>(true)", "o<br>(you)"]


def test_before_the_reveal_nothing_is_marked():
    fig = choices_figure([1.0], ["below", "above"], ["grey", "blue"])
    assert list(fig.layout.xaxis.ticktext) == ["below", "above"]
    assert list(fig.data[0].marker.line.width) == [0, 0]


def test_a_count_keeps_the_most_given_answers_and_the_truth_and_groups_the_rest():
    values = [448] * 5 + [416] * 3 + [992, 1, 2, 3]
    assert count_bars(values, top=3) == (("1", "416", "448", "…"), (1, 3, 5, 3))
    # the truth (544, given by no one) and your own (3) stay, at the cost of others
    assert count_bars(values, keep=(544.0, 3.0, None), top=3) == (
        ("3", "448", "544", "…"), (1, 5, 0, 6))
    assert count_bars([]) == ((), ())


def test_a_count_figure_marks_the_true_count():
    fig = count_figure([448.0, 416.0, 448.0], truth=448.0, own=416.0)
    assert list(fig.layout.xaxis.ticktext) == ["416<br>(you)", "448<br>(true)"]
    assert list(fig.data[0].y) == [1, 2]
    assert list(fig.data[0].marker.line.width) == [0, 4]


def test_an_answer_on_a_bins_edge_counts_in_the_bin_it_starts():
    # a slider's 0.50 - 20 * 0.01 is a hair under 0.3, the edge a hair over: the page says
    # "0.30", so its bar must be 0.3–0.4 (it was drawn in 0.2–0.3); 1.0 is the last bin's
    slid = 0.5 - sum([0.01] * 20)
    counts, edges = answer_counts([slid, 0.0, 1.0, 0.7, 1.5, -0.2], 0.0, 1.0)
    assert list(counts) == [1, 0, 0, 1, 0, 0, 0, 1, 0, 1]
    assert len(edges) == 11
