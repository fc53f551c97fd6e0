"""Memory at work: a trained LSTM picks he, she or they; watch the unit that remembers who."""

import streamlit as st

from lstm_viz.explain import fmt
from lstm_viz.story import PLACES
from text.i18n import tr
from text.story import distance_summary, forget_summary, narrate
from ui import callbacks, common, compute, controls, keys, nav
from ui.controls import STORIES  # the story each model opens with

MAX_CHARS = 4000
SEGMENT = {"words": "memory.segment.words", "chars": "memory.segment.chars"}


def _story_box(name: str, lang: str) -> str:
    """The story text, kept in ``?seq=`` unless it is the model's own opening story."""
    if keys.SEQ not in st.session_state:
        st.session_state[keys.SEQ] = st.query_params.get(keys.SEQ, STORIES[name])[:MAX_CHARS]
    help_text = tr("memory.seq.help", lang, limit=compute.MEMORY_STEPS,
                  segment=tr(SEGMENT[compute.segment(compute.demo_chosen(name))], lang))
    text = st.text_area(tr("memory.seq", lang), key=keys.SEQ, height=90, max_chars=MAX_CHARS,
                        help=help_text)
    if text == STORIES[name]:
        st.query_params.pop(keys.SEQ, None)
    else:
        st.query_params[keys.SEQ] = text
    return text


def memory_controls(lang: str) -> tuple[str, str]:
    """The model (English or Chinese) and the story, as plain values."""
    left, right = st.columns([2, 3])
    name = common.choice(left.segmented_control, tr("memory.demo", lang), compute.MEMORY_DEMOS,
                         "demo", controls.opening_demo(lang),
                         callbacks.labels("memory.demo.", lang),
                         on_change=callbacks.memory_demo_changed, help=tr("memory.demo.help", lang))
    texts = compute.model_examples(compute.demo_chosen(name), 8)
    right.selectbox(tr("memory.example", lang), texts, index=None,
                    key="example", on_change=callbacks.take_pick, args=("example", keys.SEQ),
                    help=tr("memory.example.help", lang),
                    placeholder=tr("memory.example.placeholder", lang))
    return name, _story_box(name, lang)


def show_metrics(name: str, unit: int, lang: str) -> None:
    """The demo's measured numbers, on held-out stories."""
    d = compute.demo(name)
    stories = d.model.meta.get("held_out")
    st.markdown(tr("memory.metrics", lang, stories=stories) if stories
                else tr("memory.metrics.plain", lang))
    cols = st.columns(4)
    for col, (key, value) in zip(cols, compute.memory_metrics(d.metrics), strict=True):
        col.metric(tr(f"memory.metric.{key}", lang, unit=unit + 1), value,
                   help=tr(f"memory.metric.{key}.help", lang, unit=unit + 1))


def break_buttons(name: str, lang: str) -> None:
    """"Try to break it": one button per preset story, which loads it into the story box."""
    st.markdown("**" + common.escape_markdown(tr("memory.break", lang)) + "** · "
                + common.escape_markdown(tr("memory.break.intro", lang)))
    presets = compute.break_presets(name)
    for col, preset in zip(st.columns(len(presets)), presets, strict=True):
        col.button(tr(f"memory.break.{preset.key}", lang), key=f"break_{preset.key}",
                   on_click=callbacks.set_state, args=({keys.SEQ: preset.text},), width="stretch",
                   help=tr(f"memory.break.{preset.key}.help", lang))


def show_places(run, lang: str) -> None:
    """The gender unit's mean forget gate at each kind of step of this story, measured now."""
    means = compute.forget_means(run)
    st.subheader(tr("memory.places", lang, unit=run.unit + 1))
    st.caption(tr("memory.places.intro", lang, unit=run.unit + 1))
    shown = [p for p in PLACES if means[p][1] or p in ("new", "start", "pronoun", "elsewhere")]
    rows = [(tr(f"memory.place.{p}", lang),
             fmt(means[p][0], 2) if means[p][1] else tr("memory.places.none", lang), means[p][1])
            for p in shown]
    st.dataframe(common.table([tr(f"memory.places.col.{c}", lang) for c in
                               ("place", "mean", "steps")], rows), hide_index=True)
    st.markdown(common.escape_markdown(forget_summary(means, lang)))


def show_distance(name: str, lang: str) -> None:
    """Accuracy against the subject-to-pronoun distance, measured live on fresh stories."""
    st.subheader(tr("memory.distance", lang))
    try:
        result = compute.distance_accuracy(name)
    except ValueError as error:   # a demo whose vocabulary no longer matches its task
        common.show_error(tr("memory.distance.error", lang, error=str(error)))
        return
    st.caption(tr("memory.distance.intro", lang, n=sum(result.total),
                 per=compute.DISTANCE_STORIES))
    common.figure(compute.distance_view(name, lang), key="distance_figure")
    st.markdown(common.escape_markdown(
        distance_summary(result, compute.trained_distance(name), lang)))


lang = common.page("nav.memory")
st.caption(tr("memory.intro", lang))
name, text = memory_controls(lang)
break_buttons(name, lang)
common.check_link({"demo": name, keys.SEQ: text}, lang)
run = compute.run_or_stop(lambda: compute.memory_run(name, text), lang)

common.note_cut(run.total_steps, len(run.story.tokens), lang)
show_metrics(name, run.unit, lang)
common.figure(compute.memory_view(name, text, lang), key="memory_figure")
st.caption(tr("memory.read", lang))
if run.story.subjects:   # before the first subject there is nothing to keep or drop
    show_places(run, lang)

st.subheader(tr("memory.explain", lang))
sentences = narrate(run.story, run.layer, run.probs, run.labels, run.unit, run.male_sign, lang)
if not run.story.subjects:
    common.show_note(tr("memory.explain.none", lang, example=compute.subject_examples(name)))
for sentence in sentences:
    st.markdown("- " + common.escape_markdown(sentence))
st.page_link(nav.file("gates"), label=tr("memory.open_gates", lang), icon=":material/animation:",
             query_params=common.link_query({keys.MODEL: name, keys.SEQ: text,
                                             keys.UNIT: run.unit + 1}, lang))

show_distance(name, lang)
