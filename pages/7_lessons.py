"""Guided lessons: the source lesson's three parts, a step at a time, text beside a figure;
a check at the end of each part, and the glossary below.

The step is in the URL (``?part=2&step=3``), so every step can be sent as a link; so is a
check's question (``&check=N``).
"""

import streamlit as st

from figures.gates import cell_diagram
from figures.stacked import unrolled_figure
from lstm_viz.params import ARTICLE
from text.glossary import headers, rows
from text.i18n import tr
from ui import callbacks, checks, common, lessons, nav

PART_NUMBERS = tuple(range(1, len(lessons.PARTS) + 1))


def _start() -> None:
    """Take the part and step from the URL once, on arriving at the page."""
    if "part" not in st.session_state or "step" not in st.session_state:
        part, step = lessons.position(st.query_params.get("part"), st.query_params.get("step"))
        st.session_state["part"], st.session_state["step"] = part, step


def lesson_controls(lang: str) -> tuple[int, int]:
    """The part picker; returns the (part, step) to show, both 1-based, and keeps them in
    the URL."""
    st.radio(tr("lesson.pick", lang), PART_NUMBERS, key="part", horizontal=True,
             format_func=callbacks.lesson_part_labels(lang), on_change=callbacks.set_state,
             args=({"step": 1},))
    part, step = lessons.position(st.session_state["part"], st.session_state["step"])
    st.session_state["step"] = step
    st.query_params["part"], st.query_params["step"] = str(part), str(step)
    return part, step


def nav_buttons(lang: str, part: int, step: int) -> None:
    first = part == 1 and step == 1
    last = part == len(lessons.PARTS) and step == len(lessons.PARTS[-1].steps)
    back, info, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button(tr("lesson.back", lang), on_click=callbacks.lesson_move, args=(-1,),
                disabled=first, icon=":material/arrow_back:", width="stretch", key="back")
    info.caption(tr("lesson.step", lang, step=step, count=len(lessons.PARTS[part - 1].steps)))
    forward.button(tr("lesson.next", lang), on_click=callbacks.lesson_move, args=(1,),
                   disabled=last, icon=":material/arrow_forward:", width="stretch",
                   type="primary", key="next")


def step_figure(lesson: lessons.Step, lang: str):
    if lesson.figure == "cell":
        return cell_diagram(lang, highlight=lesson.highlight)
    if lesson.figure == "layer":
        fig = unrolled_figure(ARTICLE.input_size, [ARTICLE.units[0]], None, steps=3, lang=lang)
    else:  # two steps: in this column three made the boxes too narrow for "Dense", "units"
        fig = unrolled_figure(ARTICLE.input_size, list(ARTICLE.units), ARTICLE.dense,
                              steps=2, lang=lang)
    # Its title and subtitle, written for the full width, would be cut off in this column;
    # the step's own text says what the picture shows.
    return fig.update_layout(title=dict(text=None, subtitle=dict(text=None)), margin_t=10)


def step_text(lesson: lessons.Step, lang: str) -> str:
    """The step's Markdown from the catalogue; the worked example's numbers filled in, and
    the demo's measured ones where the step quotes them."""
    numbers = {k: f"{v:,}" for k, v in lessons.worked_example().items()}
    if lesson.measured:
        numbers |= checks.measured(lang)
    return tr(lesson.text, lang, **numbers)  # steps without {fields} ignore them


def step_link(link: lessons.Link, lang: str) -> None:
    st.page_link(nav.file(link.page), label=tr(link.label, lang), icon=":material/open_in_new:",
                 query_params=common.link_query(dict(link.query), lang, common.presenting()))


def glossary(lang: str) -> None:
    """The glossary every text uses, as a plain table (no Markdown in its cells)."""
    with st.expander(tr("glossary.title", lang), icon=":material/translate:"):
        st.caption(tr("glossary.intro", lang))
        table = [(*row.words, row.note, row.avoid) for row in rows(lang)]
        st.table({h: [r[k] for r in table] for k, h in enumerate(headers(lang))},
                 hide_index=True)


lang = common.page("nav.lessons")
_start()
checks.start(lang)
st.caption(tr("lesson.intro", lang))
part, step = lesson_controls(lang)
common.check_link({"part": part, "step": step}, lang)
nav_buttons(lang, part, step)  # above the text and figure: on the first screen at 1366×768
lesson = lessons.PARTS[part - 1].steps[step - 1]
text, picture = st.columns([2, 3], gap="large")
with text:
    st.subheader(tr(lesson.title, lang))
    st.markdown(step_text(lesson, lang))
    if lesson.link is not None:
        step_link(lesson.link, lang)
    if lesson.check is not None:
        checks.show(lesson.check, lang)
    else:
        checks.leave()
with picture:
    common.figure(step_figure(lesson, lang), key="lesson_figure")
glossary(lang)
