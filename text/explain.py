"""One step of one unit in words: the sentences beside the arithmetic on the gates page.

The numbers come from :func:`lstm_viz.explain.explain_step`; this module only says them.

>>> from lstm_viz import LSTM
>>> from lstm_viz.explain import explain_step
>>> lstm = LSTM.random(2, 3, seed=0)
>>> ex = explain_step(lstm, lstm.run([[1.0, 0.0], [0.0, 1.0]]), step=1, unit=0)
>>> len(sentences(ex, "zh"))
4
"""

from __future__ import annotations

from lstm_viz.explain import DIGITS, StepExplanation, fmt, level
from text.i18n import tr

__all__ = ["sentences"]


def sentences(ex: StepExplanation, lang: str) -> list[str]:
    """What happened, in words: forget, write, output, net change.

    The numbers are those of the arithmetic (:data:`lstm_viz.explain.DIGITS` decimals), and
    a gate's level is read from its value as shown, so "0.800" never reads as "partly open".
    """
    f, i, g, o = (round(ex.gate(k).value, DIGITS) for k in "figo")
    d = lambda v: fmt(v, DIGITS)  # noqa: E731
    return [
        tr(f"explain.forget.{level(f)}", lang, f=d(f)),
        tr(f"explain.input.{level(i)}", lang, i=d(i), g=d(g)),
        tr(f"explain.output.{level(o)}", lang, o=d(o), tc=d(ex.tanh_c)),
        tr("explain.cell.change", lang, c_prev=d(ex.c_prev), c=d(ex.c)),
    ]
