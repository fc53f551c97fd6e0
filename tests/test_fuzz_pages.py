"""Every page through AppTest with arbitrary links and arbitrary typing (issue 7).

Three properties, each over every page:

- a link with any values for the query parameters the page reads never raises, and the
  page shows its chart or, in its place, a message saying what to change;
- a link value the page cannot use (not a number, out of range, an unknown option) is
  never used silently: a note or an error names it;
- anything typed into the page's text boxes, number boxes and pickers never raises, and
  input the page refuses gets a message in place of the chart.

AppTest runs cost 0.3–2 s each, so the examples are few (derandomized under CI=true, see
conftest) and the values are drawn from a list of known troublemakers as well as at random.
"""

import pytest
from conftest import PAGES, ROOT
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from lstm_viz.inputs import MODES
from lstm_viz.params import CONVENTIONS
from text.i18n import LANGS
from ui import compute, training

SCRIPTS = PAGES  # every page of ui.nav

# What each query parameter of each page is (found with grep for query_params, bind= and
# the ui.common / ui.controls helpers): ("int", low, high), ("choice", options), ("flag",)
# or ("text",). Every page also reads lang and present.
SHARED = {"lang": ("choice", LANGS), "present": ("text",)}
RANDOM_MODEL = {"seq": ("text",), "mode": ("choice", MODES), "units": ("int", 1, 64),
                "seed": ("int", 0, 9999), "model": ("choice", compute.MODELS[:-1]),
                "step": ("int", 1, 10), "unit": ("int", 1, 8)}
PARAMS = {
    "home": {},
    "gates": {**RANDOM_MODEL, "layer": ("text",)},
    "stacked": {"seq": ("text",), "mode": ("choice", MODES), "units": ("text",),
                "dense": ("int", 0, 16), "seed": ("int", 0, 9999),
                "model": ("choice", ("random",))},
    "params": {"input": ("int", 1, 1_000_000), "units": ("text",),
               "dense": ("int", 0, 1_000_000), "convention": ("choice", CONVENTIONS),
               "bidirectional": ("flag",)},
    "memory": {"demo": ("choice", compute.MEMORY_DEMOS), "seq": ("text",)},
    "train": {"task": ("choice", training.TASK_NAMES), "units": ("int", *training.UNITS),
              "lr": ("choice", training.LEARNING_RATES), "steps": ("int", *training.STEPS),
              "seed": ("int", *training.SEEDS)},
    "why": {**RANDOM_MODEL, "surgery": ("choice", compute.SURGERIES),
            "who": ("choice", ("unit", "all")), "when": ("choice", ("all", "from"))},
    "lessons": {"part": ("int", 1, 3), "step": ("int", 1, 1), "check": ("int", 1, 999_999)},
    "live": {"class": ("text",), "teacher": ("text",)},
}

NASTY = [  # what people (and link mangling) put in URLs and text boxes
    "", " ", "\t\n", "0", "-1", "1.5", "08", "nan", "NaN", "inf", "-inf", "Infinity", "1e308",
    "-1e308", "1e999", "99999999999999999999999", "9" * 400, "0x10", "1_000", "１２", "٣",
    "<script>alert(1)</script>", "<b>x</b> <img src=x onerror=alert(1)>",
    "**bold** [link](javascript:alert(1)) $x$ :red[hi] {0} %s",
    "😀👩‍👩‍👧🇨🇳", "小明喜欢读书，他每天都去图书馆。", "\x00\x07\x1b[31m\u202e\ufeff",
    "1, nan, 3", "1 2; 3", "1e300", ";;;", ",", "a" * 3000, "1, " * 700,
    "he she they . John Mary", "( ) ( ( ) )", "true", "false", "random", "uploaded",
    "trained", "pronoun-zh", "None", "null", "[]", "{}", "-0", "+5", " 7 ",
]
# Text without lone surrogates: a browser cannot send one (they are not UTF-8).
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
GARBAGE = st.one_of(st.sampled_from(NASTY), ANY_TEXT,
                    st.integers(-10**30, 10**30).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr))
# No shrinking: each step of it is another AppTest run, and a failure could take minutes
# to shrink; the failing link or typing is reported as drawn.
FEW = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow],
           phases=(Phase.explicit, Phase.reuse, Phase.generate))


def open_page(page: str, query: dict):
    """A learner arriving at ``page`` with ``?query`` (conftest.open_page, every page)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    if SCRIPTS[page]:
        at.switch_page(SCRIPTS[page])
    return at.run()


def assert_clean(at) -> None:
    """conftest.assert_clean, with the end of each traceback: Streamlit redacts the message
    of an exception in the app, which would leave a failing example unexplained."""
    assert not at.exception, ["\n".join(e.stack_trace[-6:]) for e in at.exception]


def messages(at) -> list[str]:
    """Every error, warning and note on the page (show_error, show_note, st.warning)."""
    return [el.value.replace("\\", "") for kind in ("error", "warning", "info")
            for el in getattr(at, kind)]


def charts(at) -> int:
    """Plotly charts and the gates page's player (ui/player.py)."""
    return len(at.get("plotly_chart")) + len(at.get("bidi_component"))


def assert_chart_or_message(at) -> None:
    """The page drew its chart, or said in its place why not (or, on /live before a class
    is started or joined, offers both)."""
    lobby = any(b.key == "live_start_button" for b in at.button)
    assert charts(at) or at.error or lobby, "neither a chart nor an error message"


# ---- links --------------------------------------------------------------------------------


@st.composite
def links(draw, page):
    """A few of the page's query parameters (and lang / present) with garbage values."""
    keys = sorted({**PARAMS[page], **SHARED})
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=len(keys), unique=True))
    return {key: draw(GARBAGE) for key in chosen}


@pytest.mark.parametrize("page", list(SCRIPTS))
def test_any_link_opens_the_page(page):
    every = sorted({**PARAMS[page], **SHARED})

    @settings(max_examples=5, **FEW)
    @given(query=links(page))
    @example(query=dict.fromkeys(every, "1e999"))  # Streamlit's own bind: int(inf) raised
    @example(query=dict.fromkeys(every, "-inf"))
    def check(query):
        at = open_page(page, query)
        assert_clean(at)
        assert_chart_or_message(at)
        at.run()  # the next run (any click) reads the widgets, not the link
        assert_clean(at)

    check()


def unusable(spec) -> st.SearchStrategy[str]:
    """Values that a parameter of kind ``spec`` cannot take."""
    kind = spec[0]
    if kind == "int":
        low, high = spec[1], spec[2]
        return st.one_of(
            st.sampled_from(["", "abc", "<script>", "😀", "中文", "nan", "inf", "-inf", "1e999",
                             "1.5", "2.25", "9" * 40]),
            st.integers(-10**20, low - 1).map(str),
            st.integers(max(high + 1, 10**7), 10**20).map(str))
    if kind == "choice":
        return GARBAGE.filter(lambda v: v not in spec[1])
    return GARBAGE.filter(lambda v: v.strip().lower() not in ("true", "false"))  # a flag


CHECKED = [(page, key) for page, params in PARAMS.items() for key, spec in params.items()
           if spec[0] != "text"]


@settings(max_examples=30, **FEW)
@given(link=st.sampled_from(CHECKED).flatmap(
    lambda where: st.tuples(st.just(where), unusable(PARAMS[where[0]][where[1]]))))
@example(link=(("gates", "units"), "inf"))
@example(link=(("train", "steps"), "1e999"))
@example(link=(("params", "bidirectional"), "yes"))
@example(link=(("why", "surgery"), "<script>"))
def test_a_link_value_that_cannot_be_used_is_named(link):
    (page, key), raw = link
    at = open_page(page, {key: raw})
    assert_clean(at)
    shown = messages(at)
    assert any(f"{key}=" in m for m in shown), (key, raw, shown)


# ---- typing ---------------------------------------------------------------------------------

NUMBERS = st.one_of(st.integers(-10**9, 10**9), st.integers(-3, 70),
                    st.sampled_from([0, 1, 64, 65, 9999, 10_000, 2000, 10**6, 10**6 + 1]))
CODES = (*LANGS, *MODES, *compute.MODELS, *compute.MEMORY_DEMOS, *training.TASK_NAMES,
         *training.LEARNING_RATES, *CONVENTIONS, *compute.SURGERIES, "unit", "all", "from",
         1, 2, 3)
SKIPPED = {"present"}  # the presentation toggle is driven by the link test (present=…)


def choices_of(widget) -> list:
    """The raw values a picker offers (AppTest lists only their translated labels)."""
    fmt = widget.format_func
    raw = [c for c in (*CODES, *widget.options) if _shows(fmt, c) in widget.options]
    return list(dict.fromkeys(raw))


def _shows(fmt, value):
    try:
        return str(fmt(value))
    except Exception:  # a label function that only knows other widgets' codes
        return None


def type_into(at, data) -> None:
    """Set every text box, number box, slider and picker of the page to a drawn value."""
    for box in [*at.text_area, *at.text_input]:
        box.set_value(data.draw(GARBAGE, label=f"text {box.key}"))
    for box in at.number_input:
        box.set_value(data.draw(NUMBERS, label=f"number {box.key}"))
    for slider in at.slider:
        low, high = slider.min, slider.max
        slider.set_value(data.draw(st.integers(low, high), label=f"slider {slider.key}"))
    for picker in [*at.selectbox, *at.segmented_control, *at.radio]:
        if picker.key in SKIPPED or picker.disabled:
            continue
        options = choices_of(picker)
        if options:
            picker.set_value(data.draw(st.sampled_from(options), label=f"pick {picker.key}"))
    for box in at.checkbox:
        box.set_value(data.draw(st.booleans(), label=f"check {box.key}"))


@pytest.mark.parametrize("page", list(SCRIPTS))
def test_anything_typed_is_refused_with_a_message(page):
    @settings(max_examples=4, **FEW)
    @given(data=st.data())
    def check(data):
        at = open_page(page, {})
        assert_clean(at)
        type_into(at, data)
        at.run()
        assert_clean(at)
        assert_chart_or_message(at)

    check()

