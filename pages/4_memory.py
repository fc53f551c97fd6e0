"""Memory at work: a trained LSTM picks he, she or they; watch the unit that remembers who."""

import streamlit as st

from text.i18n import t
from text.story import narrate
from ui import common, compute, controls, keys, nav
from ui.controls import STORIES  # the story each model opens with

MAX_CHARS = 4000
SEGMENT = {"words": "memory.segment.words", "chars": "memory.segment.chars"}


def _new_demo() -> None:
    """Another model reads another language: start from its own story."""
    st.session_state[keys.SEQ] = STORIES[st.session_state["demo"]]


def _load_example() -> None:
    if st.session_state.get("example"):
        st.session_state[keys.SEQ] = st.session_state["example"]
    st.session_state["example"] = None  # the picker goes back to its placeholder


def _story_box(name: str, lang: str) -> str:
    """The story text, kept in ``?seq=`` unless it is the model's own opening story."""
    if keys.SEQ not in st.session_state:
        st.session_state[keys.SEQ] = st.query_params.get(keys.SEQ, STORIES[name])[:MAX_CHARS]
    help_text = t("memory.seq.help", lang, limit=compute.MEMORY_STEPS,
                  segment=t(SEGMENT[compute.segment(compute.demo_chosen(name))], lang))
    text = st.text_area(t("memory.seq", lang), key=keys.SEQ, height=90, max_chars=MAX_CHARS,
                        help=help_text)
    if text == STORIES[name]:
        st.query_params.pop(keys.SEQ, None)
    else:
        st.query_params[keys.SEQ] = text
    return text


def memory_controls(lang: str) -> tuple[str, str]:
    """The model (English or Chinese) and the story, as plain values."""
    left, right = st.columns([2, 3])
    name = common.choice(left.segmented_control, t("memory.demo", lang), compute.MEMORY_DEMOS,
                         "demo", controls.opening_demo(lang), lambda m: t(f"memory.demo.{m}", lang),
                         on_change=_new_demo, help=t("memory.demo.help", lang))
    texts = compute.model_examples(compute.demo_chosen(name), 8)
    right.selectbox(t("memory.example", lang), texts, index=None,
                    key="example", on_change=_load_example, help=t("memory.example.help", lang),
                    placeholder=t("memory.example.placeholder", lang))
    return name, _story_box(name, lang)


def show_metrics(name: str, unit: int, lang: str) -> None:
    """The demo's measured numbers, on held-out stories."""
    d = compute.demo(name)
    stories = d.model.meta.get("held_out")
    st.markdown(t("memory.metrics", lang, stories=stories) if stories
                else t("memory.metrics.plain", lang))
    cols = st.columns(4)
    for col, (key, value) in zip(cols, compute.memory_metrics(d.metrics), strict=True):
        col.metric(t(f"memory.metric.{key}", lang, unit=unit + 1), value,
                   help=t(f"memory.metric.{key}.help", lang, unit=unit + 1))


lang = common.page("nav.memory")
st.caption(t("memory.intro", lang))
name, text = memory_controls(lang)
common.check_link({"demo": name, keys.SEQ: text}, lang)
run = compute.run_or_stop(lambda: compute.memory_run(name, text), lang)

common.note_cut(run.total_steps, len(run.story.tokens), lang)
show_metrics(name, run.unit, lang)
common.figure(compute.memory_view(name, text, lang), key="memory_figure")
st.caption(t("memory.read", lang))

st.subheader(t("memory.explain", lang))
sentences = narrate(run.story, run.layer, run.probs, run.labels, run.unit, run.male_sign, lang)
if not run.story.subjects:
    common.show_note(t("memory.explain.none", lang, example=compute.subject_examples(name)))
for sentence in sentences:
    st.markdown("- " + common.escape_markdown(sentence))
st.page_link(nav.file("gates"), label=t("memory.open_gates", lang), icon=":material/animation:",
             query_params=common.link_query({keys.MODEL: name, keys.SEQ: text,
                                             keys.UNIT: run.unit + 1}, lang))
