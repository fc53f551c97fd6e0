"""The pronoun story of a trained model: its choice of pronoun, its gender memory, its gates.

``memory_figure(layer, probs, labels, story, unit, male_sign)`` draws three panels over
one time axis (steps 1…T, labelled with the tokens), so a column reads top to bottom as
one moment of the story:

(a) the probability the model gives he, she and they at every step, stacked; full
    colour where a pronoun really comes next (the steps that were graded), faded
    elsewhere;
(b) the cell state C of the gender unit, on a background tinted by the class of the
    current subject, with the subject's name where it appears;
(c) that unit's forget, input and output gates, their values written where a subject
    appears.

A dashed line runs down all three panels at every step where a subject appears.

>>> import numpy as np
>>> from lstm_viz import LSTM
>>> from lstm_viz.story import read_story
>>> story = read_story("pronoun-en", "John met Mary . he is happy".split())
>>> layer = LSTM.random(2, 3, seed=0).run(np.zeros((7, 2)))
>>> labels = ("he", "she", "they", "is", "are")
>>> fig = memory_figure(layer, np.full((7, 5), 0.2), labels, story, unit=1, male_sign=1)
>>> [tr.name for tr in fig.data][:3]
['he', 'she', 'they']
>>> [s.x0 for s in fig.layout.shapes if s.name == "subject"]   # John, at step 1, 3 panels
[1, 1, 1]
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from figures.theme import (
    GATE_COLOURS,
    INK,
    MUTED,
    OKABE_ITO,
    TEMPLATE,
    colours_at,
    plain,
    tick_angles,
    wide,
)
from lstm_viz.explain import fmt
from lstm_viz.gates import SIGMOID_GATES
from lstm_viz.story import Story, places
from text.i18n import tr

__all__ = ["CLASS_COLOURS", "distance_figure", "memory_figure"]

# The subject classes, in Okabe–Ito colours that no quantity on the page uses
# (f, i, o and C keep their gate colours): he sky blue, she orange, they grey.
CLASS_COLOURS = {"m": OKABE_ITO["sky blue"], "f": OKABE_ITO["orange"], "pl": "#8C8C8C"}
_DARK = {"m": "#1F6F99", "f": "#9A6A00", "pl": MUTED}   # the same hues, dark enough for text
CLASSES = ("m", "f", "pl")
GATES = SIGMOID_GATES  # f, i, o
FADED = 0.28                  # opacity of a bar where no pronoun comes next
ROW_HEIGHTS = (0.34, 0.36, 0.30)
HEIGHT = 1020


def memory_figure(layer, probs, labels, story: Story, unit: int, male_sign: int,
                  lang: str = "en") -> go.Figure:
    """Three panels over the story's steps: pronoun probabilities, C and f, i, o of ``unit``.

    Parameters
    ----------
    layer : LSTMTrace
        Single-sequence trace of the layer holding ``unit``: arrays of shape (T, H).
    probs : ndarray of shape (T, K)
        The model's probabilities over ``labels`` at every step.
    labels : sequence of str, length K
        Must contain the story's three pronouns.
    story : Story
        The tokens (user text, shown as typed) and subjects, from :func:`read_story`.
    unit : int
        The gender unit, 0-based (shown 1-based).
    male_sign : int
        +1 if c > 0 means "male" in this unit, −1 if c < 0 does.
    """
    probs, T = _check(layer, probs, labels, story, unit)
    labels = tuple(labels)
    x = np.arange(1, T + 1)                                    # steps, 1-based
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.13,
                        row_heights=list(ROW_HEIGHTS))
    titles = [tr("memory.fig.probs", lang, colours=_key(
                  (CLASS_COLOURS[cls], story.pronouns[cls]) for cls in CLASSES)),
              tr("memory.fig.c", lang, unit=unit + 1),
              tr("memory.fig.gates", lang, unit=unit + 1, colours=_key(
                  (GATE_COLOURS[g], tr(f"fig.common.{g}", lang)) for g in GATES))]
    for trace in _bars(x, probs, labels, story, lang):
        fig.add_trace(trace, row=1, col=1)
    fig.add_trace(_c_line(x, layer.c[:, unit], story.tokens, lang), row=2, col=1)
    for trace in _gate_lines(x, layer, unit, story, lang):
        fig.add_trace(trace, row=3, col=1)
    c_top = _c_range(layer.c[:, unit])
    fig.update_layout(
        template=TEMPLATE, height=HEIGHT, barmode="stack", bargap=0.25,
        margin=dict(l=70, r=120, t=60, b=80), hovermode="closest",
        shapes=_subject_shapes(story, T, c_top) + _zero_line(T),
        annotations=[*_titles(fig, titles), _marks_key(fig, lang), *_subject_labels(story, c_top),
                     *_slot_labels(story, probs, labels), *_sign_labels(male_sign, c_top, lang)],
        showlegend=False,   # each panel's title names its colours
    )
    _axes(fig, story.tokens, c_top, lang)
    return fig


def _check(layer, probs, labels, story, unit) -> tuple[np.ndarray, int]:
    probs = np.asarray(probs, dtype=np.float64)
    if layer.batched:
        raise ValueError("draw one sequence at a time: use trace.sequence(b)")
    T, H = layer.steps, layer.hidden_size
    if probs.shape != (T, len(labels)):
        raise ValueError(f"probs must have shape (T, K) = ({T}, {len(labels)}); "
                         f"got {probs.shape}")
    if len(story.tokens) != T:
        raise ValueError(f"need one token per step: {T} steps but {len(story.tokens)} tokens")
    missing = [p for p in story.pronouns.values() if p not in labels]
    if missing:
        raise ValueError(f"the labels lack the pronouns {missing}")
    if not 0 <= unit < H:
        raise ValueError(f"unit must be in 0…{H - 1}; got {unit}")
    return probs, T


# ---- (a) the pronoun choice ------------------------------------------------------------

def _bars(x, probs, labels, story, lang) -> list[go.Bar]:
    """One stacked bar trace per pronoun: P(pronoun) at every step."""
    slots = np.zeros(len(x), dtype=bool)
    slots[list(story.pronoun_steps)] = True
    opacity = np.where(slots, 1.0, FADED)
    hover = tr("memory.fig.hover.p", lang, step="%{x}", token="%{customdata}")
    tokens = [plain(tok, 16) for tok in story.tokens]
    return [go.Bar(x=x, y=probs[:, labels.index(story.pronouns[cls])],
                   name=story.pronouns[cls],
                   marker=dict(color=CLASS_COLOURS[cls], opacity=opacity,
                               line=dict(width=0)),
                   customdata=tokens,
                   hovertemplate=f"{hover}<br>P({story.pronouns[cls]}) = %{{y:.3f}}"
                                 "<extra></extra>")
            for cls in CLASSES]


def _slot_labels(story, probs, labels) -> list[dict]:
    """Above each graded bar, the word that really comes next: "→ she"."""
    return [dict(x=step + 1, y=1.0, xref="x", yref="y", yanchor="bottom", showarrow=False,
                 text="→ " + plain(story.tokens[step + 1], 8),
                 font=dict(size=15, color=INK))
            for step in story.pronoun_steps]


# ---- (b) the gender memory -------------------------------------------------------------

def _c_range(c) -> float:
    m = float(np.max(np.abs(c))) if np.size(c) else 0.0
    return 1.3 * m if m > 0 and np.isfinite(m) else 1.0


def _c_line(x, c, tokens, lang) -> go.Scatter:
    hover = tr("memory.fig.hover.c", lang, step="%{x}", token="%{customdata}")
    return go.Scatter(x=x, y=np.asarray(c, dtype=np.float64), mode="lines+markers",
                      name="C", showlegend=False,
                      line=dict(color=GATE_COLOURS["c"], width=4),
                      marker=dict(size=8, color=GATE_COLOURS["c"]),
                      customdata=[plain(tok, 16) for tok in tokens],
                      hovertemplate=f"{hover}<br>C = %{{y:.3f}}<extra></extra>")


def _spans(story, T) -> list[tuple[int, int, str, str]]:
    """(first step, last step, class, phrase) of each subject's reign, 1-based."""
    starts = [s.step + 1 for s in story.subjects] + [T + 1]
    return [(a, b - 1, s.cls, s.text)
            for a, b, s in zip(starts[:-1], starts[1:], story.subjects, strict=True)]


def _subject_shapes(story, T, c_top) -> list[dict]:
    """The tinted reign of every subject in (b), and a dashed line down all three panels
    where it appears."""
    tints = {cls: colours_at([[0, "#FFFFFF"], [1, col]], [0.22], 0, 1)[0]
             for cls, col in CLASS_COLOURS.items()}
    shapes = [dict(type="rect", xref="x2", yref="y2", x0=a - 0.5, x1=b + 0.5,
                   y0=-c_top, y1=c_top, fillcolor=tints[cls], line=dict(width=0),
                   layer="below", name="reign")
              for a, b, cls, _ in _spans(story, T)]
    shapes += [dict(type="line", xref=f"x{row}", yref=f"y{row} domain", x0=s.step + 1,
                    x1=s.step + 1, y0=0, y1=1,   # dotted where the same subject is named again
                    line=dict(color=INK, width=2, dash="dot" if s.repeat else "dash"),
                    name="subject")
               for s in story.subjects for row in ("", "2", "3")]   # down all three panels
    return shapes


def _zero_line(T) -> list[dict]:
    return [dict(type="line", xref="x2", yref="y2", x0=0.5, x1=T + 0.5, y0=0, y1=0,
                 line=dict(color=MUTED, width=1), name="zero")]


def _subject_labels(story, c_top) -> list[dict]:
    """The subject's phrase at the top of (b), just right of its dashed line."""
    return [dict(x=s.step + 1, y=c_top, xref="x2", yref="y2", xanchor="left",
                 yanchor="top", xshift=4, showarrow=False,
                 text=f"<b>{plain(s.text, 16)}</b>",
                 font=dict(size=17, color=INK), bgcolor="rgba(255,255,255,0.75)")
            for s in story.subjects]


def _sign_labels(male_sign, c_top, lang) -> list[dict]:
    """What the two halves of (b) mean to the unit, right of the panel: "▲ C > 0: male"
    in the upper half and "▼ C < 0: female" in the lower (or the other way round)."""
    up, down = ("m", "f") if male_sign > 0 else ("f", "m")
    return [dict(x=1, xref="x2 domain", xanchor="left", xshift=8, y=y, yref="y2",
                 yanchor="middle", showarrow=False, align="left",
                 text=f"{arrow} " + tr(f"memory.fig.sign.{key}", lang,
                                      cls=f"<b>{tr(f'memory.class.{cls}', lang)}</b>"),
                 font=dict(size=15, color=_DARK[cls]))
            for y, arrow, key, cls in ((c_top / 2, "▲", "pos", up),
                                       (-c_top / 2, "▼", "neg", down))]


# ---- (c) the gates ---------------------------------------------------------------------

def _gate_lines(x, layer, unit, story, lang) -> list[go.Scatter]:
    """f, i, o of ``unit`` over time; big markers with their values where a subject
    appears."""
    at = [s.step for s in story.subjects]
    traces = []
    for gate in GATES:
        values = np.asarray(getattr(layer, gate)[:, unit], dtype=np.float64)
        name = tr(f"fig.common.{gate}", lang)
        traces.append(go.Scatter(
            x=x, y=values, mode="lines+markers", name=name,
            line=dict(color=GATE_COLOURS[gate], width=3), marker=dict(size=6),
            hovertemplate=f"{tr('memory.fig.hover.gate', lang, step='%{x}')}<br>"
                          f"{name} = %{{y:.3f}}<extra></extra>"))
        if at and gate != "o":
            other = np.asarray(getattr(layer, "i" if gate == "f" else "f")[at, unit])
            traces.append(go.Scatter(
                x=[s + 1 for s in at], y=values[at], mode="markers+text", showlegend=False,
                text=[fmt(v, 2) for v in values[at]], hoverinfo="skip",
                textposition=["top right" if v >= w else "bottom right"  # apart from the other
                              for v, w in zip(values[at], other, strict=True)],
                textfont=dict(size=15, color=GATE_COLOURS[gate]),
                marker=dict(size=14, color=GATE_COLOURS[gate], line=dict(color=INK, width=1.5))))
    return traces + _forget_marks(x, layer, unit, story, lang)


# Where else the forget gate is read: sentence starts (◇) and pronouns inside a sentence (▽).
MARKS = (("starts", ("start", "start_other"), "diamond"),
         ("pronouns", ("pronoun",), "triangle-down"))


def _forget_marks(x, layer, unit, story, lang) -> list[go.Scatter]:
    """Markers on the f line at sentence starts and at pronouns (:func:`places`), named
    ``f_starts`` and ``f_pronouns``."""
    where = places(story)
    f = np.asarray(layer.f[:, unit], dtype=np.float64)
    out = []
    for name, kinds, symbol in MARKS:
        steps = sorted(k for kind in kinds for k in where[kind])
        if steps:
            out.append(go.Scatter(
                x=x[steps], y=f[steps], mode="markers", name=f"f_{name}", showlegend=False,
                marker=dict(size=13, symbol=symbol, color="white",
                            line=dict(color=GATE_COLOURS["f"], width=2.5)),
                customdata=[plain(story.tokens[k], 16) for k in steps],
                hovertemplate=f"{tr('memory.fig.hover.gate', lang, step='%{x}')} "
                              f"(%{{customdata}})<br>f = %{{y:.3f}}<extra></extra>"))
    return out


# ---- axes and titles --------------------------------------------------------------------

def _tick_text(tokens) -> tuple[list[str], dict]:
    """Tick labels and how to set them. Chinese is never turned on its side: a token of
    several characters is written top to bottom (他 over 们) and the labels stay upright;
    other labels turn only if they would collide."""
    if all(wide(tok) for tok in tokens):
        return ["<br>".join(plain(ch) for ch in tok[:4]) for tok in tokens], tick_angles(tokens)
    return [plain(tok, 10) for tok in tokens], tick_angles(tokens)


def _axes(fig, tokens, c_top, lang) -> None:
    T = len(tokens)
    text, angle = _tick_text(tokens)
    ticks = dict(tickvals=list(range(1, T + 1)), ticktext=text, range=[0.5, T + 0.5],
                 tickfont=dict(size=15 if T <= 50 else 12), **angle)
    for row in (1, 2, 3):
        fig.update_xaxes(row=row, col=1, showticklabels=row != 2, **ticks)
    fig.update_yaxes(row=1, col=1, range=[0, 1.18], tickvals=[0, 0.5, 1],
                     title_text=tr("memory.fig.p_axis", lang), fixedrange=True)
    fig.update_yaxes(row=2, col=1, range=[-c_top, c_top], title_text="C",
                     tickvals=[-round(c_top / 1.3, 2), 0, round(c_top / 1.3, 2)],
                     fixedrange=True)
    fig.update_yaxes(row=3, col=1, range=[-0.22, 1.22], tickvals=[0, 0.5, 1],
                     title_text=tr("memory.fig.gate_axis", lang), fixedrange=True)


def _top(fig, row: int) -> float:
    """The top of a row's plot area, as a fraction of the figure's."""
    return fig.layout[f"yaxis{'' if row == 1 else row}"].domain[1]


def _titles(fig, titles) -> list[dict]:
    """Each panel's title, above its top left corner."""
    return [dict(x=0, xref="paper", xanchor="left", y=_top(fig, row), yref="paper",
                 yanchor="bottom", yshift=22, showarrow=False, text=f"<b>{text}</b>",
                 font=dict(size=17, color=INK))
            for row, text in enumerate(titles, start=1)]


def _marks_key(fig, lang) -> dict:
    """What ◇ and ▽ on the f line mean: right-aligned under the title of (c)."""
    return dict(x=1, xref="paper", xanchor="right", y=_top(fig, 3), yref="paper",
                yanchor="bottom", yshift=2, showarrow=False, text=tr("memory.fig.marks", lang),
                font=dict(size=14, color=GATE_COLOURS["f"]))


def _key(items) -> str:
    """A colour key for a title: a square of each colour before its name."""
    return "   ".join(f"<span style='color:{colour}'>■</span> {plain(name, 24)}"
                      for colour, name in items)


# ---- accuracy against the subject-to-pronoun distance -----------------------------------

def distance_figure(result, trained_max: int | None = None, *, x_title: str = "",
                    y_title: str = "", trained_label: str = "") -> go.Figure:
    """Pronoun accuracy at each subject-to-pronoun distance, as measured live.

    Parameters
    ----------
    result : lstm_viz.evaluate.DistanceAccuracy
        ``distances``, ``right`` and ``total`` per distance (from
        :func:`lstm_viz.evaluate.accuracy_by_distance`).
    trained_max : int, optional
        The longest distance in the training stories: a dashed line there, so the chart
        shows where the model is on its own.
    x_title, y_title, trained_label : str
        Axis titles and the line's label, from the caller's catalogue (this function
        holds no user-facing text).

    >>> from lstm_viz.evaluate import DistanceAccuracy
    >>> fig = distance_figure(DistanceAccuracy((5, 30, 60), (10, 9, 6), (10, 10, 10)), 28)
    >>> [float(v) for v in fig.data[0].y]
    [100.0, 90.0, 60.0]
    >>> fig.layout.shapes[0].x0
    28
    """
    ds = np.asarray(result.distances)
    right, total = np.asarray(result.right), np.asarray(result.total)
    if not (len(ds) == len(right) == len(total)) or not len(ds) or (total < 1).any():
        raise ValueError("give one right/total pair (total ≥ 1) per distance, at least one")
    acc = 100.0 * right / total                                              # (D,)
    fig = go.Figure(go.Scatter(
        x=ds, y=acc, mode="lines+markers", line=dict(color=GATE_COLOURS["c"], width=3),
        marker=dict(size=8), customdata=np.stack([right, total], axis=1),
        hovertemplate="%{x}: %{y:.1f}% (%{customdata[0]} / %{customdata[1]})<extra></extra>"))
    if trained_max is not None:
        fig.add_shape(type="line", x0=trained_max, x1=trained_max, y0=0, y1=1, yref="paper",
                      line=dict(color=MUTED, dash="dash", width=2), name="trained_max")
        fig.add_annotation(x=trained_max, y=1, yref="paper", text=plain(trained_label, 40),
                           showarrow=False, xanchor="left", yanchor="bottom",
                           font=dict(color=MUTED))
    fig.update_layout(template=TEMPLATE, height=360, showlegend=False,
                      xaxis=dict(title=plain(x_title, 60), rangemode="tozero"),
                      # ticks from 20 %: a "0 %" at the corner would sit on the x axis's "0"
                      yaxis=dict(title=plain(y_title, 60), range=[0, 105], ticksuffix="%",
                                 tickvals=[20, 40, 60, 80, 100]))
    return fig
