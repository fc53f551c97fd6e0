"""The guided lessons as data: three parts, each a few steps (no numbers, no UI).

Each step names its text in the catalogue (``lesson.<part>.<name>.title`` and ``.text``),
what the page draws beside it and, optionally, a page to open next. The parts follow the
source lesson: the gates one at a time, parameters and shapes, stacked layers. Part 1
opens with why an LSTM is needed at all, and every part ends with a check (``check``:
which of the questions of :mod:`lstm_viz.quiz` it asks).

>>> [len(part.steps) for part in PARTS]
[8, 5, 4]
>>> [step.key for step in PARTS[0].steps][:2], PARTS[0].steps[-1].check
(['lesson.1.why', 'lesson.1.1'], 'gate')
>>> position("2", "9")        # a step past the end: the part's last step
(2, 5)
>>> position("x", None)       # anything unreadable: the first step
(1, 1)
"""

from __future__ import annotations

from dataclasses import dataclass

from lstm_viz.params import ARTICLE

__all__ = ["CHECKS", "FIGURES", "PARTS", "Link", "Part", "Step",
           "position", "worked_example"]

FIGURES = ("cell", "layer", "stack")  # the cell diagram; one layer unrolled; the article's stack
CHECKS = ("gate", "count", "stack")  # predict a demo's gate; count and shape; a stack


@dataclass(frozen=True)
class Link:
    """A page to open from a step: its name in the app's page list ("params"), the
    label's catalogue key, its query."""

    page: str
    label: str
    query: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Step:
    """One step: catalogue key prefix, the figure beside the text, what it highlights,
    for the last step of a part the check it asks (one of :data:`CHECKS`), and whether its
    text quotes numbers measured on the shipped pronoun demo (:mod:`lstm_viz.facts`)."""

    key: str
    figure: str = "cell"
    highlight: str | None = None
    link: Link | None = None
    check: str | None = None
    measured: bool = False

    @property
    def title(self) -> str:
        return f"{self.key}.title"

    @property
    def text(self) -> str:
        return f"{self.key}.text"


@dataclass(frozen=True)
class Part:
    key: str  # catalogue key of the part's name
    steps: tuple[Step, ...]


def _steps(part: int, *steps: dict) -> tuple[Step, ...]:
    """The part's steps, keyed ``lesson.<part>.<n>`` with n counting the source lesson's
    steps; a step with a ``name`` (``why``, ``check``: added around them) is keyed by it."""
    out, n = [], 0
    for step in steps:
        step = dict(step)
        if "name" not in step:
            n += 1
        out.append(Step(key=f"lesson.{part}.{step.pop('name', n)}", **step))
    return tuple(out)


_PARAMS_LINK = Link("params", "lesson.link.params",
                    (("input", str(ARTICLE.input_size)),
                     ("units", ",".join(map(str, ARTICLE.units))), ("dense", str(ARTICLE.dense))))
PARTS = (
    Part("lesson.part.1", _steps(
        1,
        dict(name="why", highlight="cell",      # a plain RNN forgets; measured on /why
             link=Link("why", "lesson.link.why")),
        dict(highlight="cell"),                 # the cell state line
        dict(highlight="forget"),               # forget gate
        dict(highlight="input+candidate"),      # input gate and candidate
        dict(highlight="cell"),                 # C_t = f·C_{t-1} + i·C̃
        dict(highlight="output",                # output gate and h; then the gates at work
             link=Link("gates", "lesson.link.gates")),
        dict(highlight="cell", measured=True,   # the pronoun example, with measured f
             link=Link("memory", "lesson.link.memory")),
        dict(name="check", highlight="forget", check="gate"),  # predict a demo's f
    )),
    Part("lesson.part.2", _steps(
        2,
        dict(figure="layer"),                   # batch, time_step, input size, num_units
        dict(figure="cell", highlight="hidden"),  # W and U per gate; shared over time
        dict(figure="layer", link=_PARAMS_LINK),  # 4·units·(units + input), biases
        dict(figure="stack", link=_PARAMS_LINK),  # the dense layer on top
        dict(name="check", figure="layer", check="count"),  # count and shape, fresh numbers
    )),
    Part("lesson.part.3", _steps(
        3,
        dict(figure="stack"),                   # h goes up, (h, C) go right
        dict(figure="stack"),                   # the shapes between layers
        dict(figure="stack", link=Link("stacked", "lesson.link.stacked")),
        dict(name="check", figure="stack", check="stack"),  # a fresh two-layer stack
    )),
)


def position(part, step) -> tuple[int, int]:
    """The (part, step), both 1-based, that URL values ``part`` and ``step`` ask for: the
    first part for anything unreadable, the step clamped into the part."""
    p = _whole(part)
    p = p if p is not None and 1 <= p <= len(PARTS) else 1
    s = _whole(step)
    count = len(PARTS[p - 1].steps)
    return p, 1 if s is None or s < 1 else min(s, count)


def _whole(raw) -> int | None:
    try:
        return int(str(raw).strip())
    except ValueError:
        return None


def worked_example(input_size: int = 5, units: int = 128, classes: int = 10) -> dict[str, int]:
    """The numbers of the parameter-count step: one layer's 4·H·(H + X) weights, its 4·H
    biases, and a dense layer of ``classes`` nodes on top (H·K + K)."""
    X, H, K = input_size, units, classes
    weights = 4 * H * (H + X)   # four layers (three gates, the candidate): W (X, H), U (H, H)
    biases = 4 * H              # one bias vector per layer
    return dict(x=X, h=H, hx=H + X, weights=weights, biases=biases, total=weights + biases,
                k=K, dense_w=H * K, dense=H * K + K)
