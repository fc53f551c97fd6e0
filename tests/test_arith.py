"""ui/arith.py: the numbers of every step's arithmetic for one unit, sent once, and what the
browser fills in with them is the core's explanation, line for line."""

import numpy as np
from conftest import assert_clean, open_page
from player_payload import arith_data, arithmetic, arithmetic_heading, set_player

from lstm_viz import LSTM
from lstm_viz.explain import LINES, explain_step
from lstm_viz.inputs import encode
from text.explain import sentences
from text.i18n import tr
from ui import arith, player
from ui.views import GatesView


def browser_sentences(header, arrays, step: int) -> list[str]:
    """ui/arith.js's sentences, step by step in Python (levels from the shown values)."""
    from lstm_viz.explain import fmt

    row = arrays["lines"].reshape(header["steps"], -1)[step - 1].astype(int)
    ends = np.cumsum(header["widths"])
    line = lambda k: row[ends[k] - header["widths"][k]:ends[k]]  # noqa: E731
    g = header["gate_lines"]
    shown = {q: line(g[q])[5] for q in "figo"}
    shown |= {"tc": line(len(LINES) - 1)[3], "c_prev": line(len(LINES) - 2)[1],
              "c": line(len(LINES) - 2)[7]}
    text = {k: fmt(v / 1000) for k, v in shown.items()}

    def level(k):
        return "high" if k >= header["high"] else "low" if k <= header["low"] else "mid"
    out = [header["says"][say][level(shown[q])].format(**text)
           for say, q in header["says_gate"].items()]
    return out + [header["change"].format(**text)]


def test_every_step_of_the_unit_is_the_cores_arithmetic_and_sentences():
    seq = "0.5, -1, 2, 0.25, -3, 1.5"
    at = open_page("gates", seq=seq, mode="numbers", units=5, seed=4, unit=4)
    assert_clean(at)
    enc = encode(seq, "numbers", seed=4)
    lstm = LSTM.random(enc.x.shape[1], 5, seed=4)
    trace = lstm.run(enc.x)
    header, arrays = arith_data(at)
    assert header["unit"] == 4 and header["steps"] == 6
    for step in range(1, 7):
        ex = explain_step(lstm, trace, step - 1, 3)
        assert arithmetic(at, step) == "\n".join(ex.formulas())
        assert browser_sentences(header, arrays, step) == sentences(ex, "en")


def test_a_new_unit_sends_that_units_numbers_and_a_step_sends_nothing_new():
    at = open_page("gates", seq="a b c d", mode="words", units=3)
    first = arith_data(at)[0]
    assert first["unit"] == 1 and arithmetic_heading(at) == tr("gates.arith", "en", step=1,
                                                                unit=1)
    before = [el for el in at.get("bidi_component")
              if el.proto.component_name == "lstm_viz.arith"][0].proto.bytes
    set_player(at, 3, 1)  # a step: the browser fills it in from the numbers it has
    after = [el for el in at.get("bidi_component")
             if el.proto.component_name == "lstm_viz.arith"][0].proto.bytes
    assert after == before
    set_player(at, 3, 2)  # another unit: its numbers
    assert arith_data(at)[0]["unit"] == 2 and arith_data(at)[0]["run"] == first["run"]
    assert arithmetic_heading(at) == tr("gates.arith", "en", step=3, unit=2)


def test_the_arithmetic_names_the_players_run():
    view = GatesView("a b c", "words", 3, 0)
    header, _ = player.read_payload(arith.payload.__wrapped__(view, "zh", 1))
    player_header, _ = player.read_payload(player.payload.__wrapped__(view, "zh", 1, 1, 0))
    assert header["run"] == player_header["run"] == player.run_id(view)
    assert header["text"]["heading"] == tr("gates.arith", "zh")
    assert header["lines"] == list(LINES) and sum(header["widths"]) == 38


def test_a_step_without_finite_numbers_is_marked_and_has_no_numbers():
    lstm = LSTM(W=np.full((4, 1), 1e308), U=np.zeros((4, 1)), b=np.zeros(4))
    with np.errstate(all="ignore"):
        trace = lstm.run([[10.0], [0.0]])
    from ui.compute import GatesRun

    class Seq:
        tokens = ("x", "y")
    rows, finite = arith._numbers(GatesRun(Seq(), lstm, trace), 0)
    assert finite[0] == 0 and not rows[0].any()  # the browser says why instead
