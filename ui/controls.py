"""Widgets that several pages share: the model picker and the random model's settings, the
model they choose, remembered sliders, and what happens to the sequence when a trained model
is chosen. These read ``st.session_state``; the cached runs in :mod:`ui.compute` never do."""

from __future__ import annotations

import re

import streamlit as st

from lstm_viz import StackedLSTM
from lstm_viz.inputs import MODES
from text.i18n import tr
from ui import common, compute, keys, upload
from ui.views import RANDOM, TRAINED, UPLOADED, Chosen, GatesView

DEFAULTS = {keys.MODE: "words", keys.UNITS: 8, keys.SEED: 0}  # the random-weights model's

# What a page opens on in each language: a Chinese learner starts from Chinese text, read
# one character per step, and the model trained on Chinese stories. The pages that show
# gates open on the trained pronoun model, whose gates learned a job (random weights keep
# every gate near 0.5, so nothing stands out); random weights are one click away.
OPENING_DEMO = {"en": "pronoun-en", "zh": "pronoun-zh"}
READING_MODE = {"en": "words", "zh": "chars"}
STORIES = {  # the story each pronoun model opens with: the nearest noun is never the subject
    "pronoun-en": "John met Mary in the park and he is happy . he is busy . Mary saw the boys "
                  "and she is tired . the kids called Tom and they are late .",
    "pronoun-zh": "小明在公园见到了小红，他很高兴。他也很忙。小红在家帮助了爷爷，她很开心。"
                  "孩子们遇到了妈妈，他们很累。",
}
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}")  # two Chinese characters in a row


def opening_demo(lang: str) -> str:
    """The trained model the gates pages open on in ``lang``."""
    return OPENING_DEMO.get(lang, OPENING_DEMO["en"])


def reading_mode(lang: str) -> str:
    """How random weights read text by default in ``lang``: words, or Chinese characters."""
    return READING_MODE.get(lang, READING_MODE["en"])


def opening_text(lang: str, model: str | None = None) -> str:
    """The text a gates page opens with: the language's story, or an example of ``model``
    (asked for by the link) when that model cannot read the story."""
    story = STORIES[opening_demo(lang)]
    chosen = choose(model) if model else None
    if chosen is None or compute.readable(chosen, story):
        return story
    texts = compute.model_examples(chosen)
    return texts[0] if texts else story


def opening_model(lang: str) -> str:
    """The model a gates page starts with when the link names none: the language's trained
    demo, unless the link carries random-weights settings or a text the demo cannot read
    (links made when random weights were the default)."""
    link = st.session_state.get(keys.LINK, {})
    demo = opening_demo(lang)
    if any(k in link for k in DEFAULTS) or \
            (keys.SEQ in link and not compute.readable(compute.demo_chosen(demo), link[keys.SEQ])):
        return RANDOM
    return demo


def arrived_model() -> str | None:
    """The model the link asked for when the learner arrived on this page."""
    return st.session_state.get(keys.LINK, {}).get(keys.MODEL)


def _read_chars() -> None:
    st.session_state[keys.MODE] = "chars"


def opening_note(box, model: str, lang: str) -> None:
    """Say why the page opened on a trained model, with random weights one click away."""
    if model != opening_demo(lang):
        return
    box.caption(tr("gates.opening", lang, name=tr(f"model.{model}", lang)))
    box.button(tr("gates.opening.random", lang), on_click=compute.use_random, key="btn_random",
               icon=":material/casino:")


def note_words_mode(text: str, mode: str, lang: str, whole_page: bool = False) -> None:
    """Chinese read in words mode is one step per run of characters: suggest chars mode.
    ``whole_page``: the note is in a fragment and the mode's widget outside it, so its button
    reruns the whole page (a fragment's button reruns only the fragment)."""
    if mode == "words" and _CJK_RUN.search(text):
        common.show_note(tr("note.zh_words", lang))
        if st.button(tr("note.zh_words.button", lang), on_click=_read_chars,
                     key="btn_chars") and whole_page:
            st.rerun()


def start_on_known_unit(model: str, player: bool = False) -> None:
    """Open a demo on the unit whose job is known, unless the link or the learner chose one:
    for the unit slider (/why), or for the gates player (``player``: it takes the unit asked
    for in ``keys.UNIT`` when it first shows a run)."""
    known = compute.known_unit(model)
    state = st.session_state
    if not known or keys.UNIT in st.query_params:
        return
    if player:
        if keys.PLAYER_REQUEST not in state:
            state[keys.UNIT] = known[1] + 1
    elif keys.UNIT not in state and keys.kept(keys.UNIT) not in state:
        state[keys.kept(keys.UNIT)] = known[1] + 1


def choose(model: str) -> Chosen | None:
    """The trained model called ``model``: a demo, the learner's own ("trained", from /train)
    or an uploaded lstm-viz model ("uploaded"); None for random weights, an uploaded plain
    stack, or a model this session does not have."""
    if model in compute.DEMOS:
        return compute.demo_chosen(model)
    state = st.session_state
    if model == TRAINED and keys.TRAINED_MODEL in state:
        return compute.own_chosen(state[keys.TRAINED_MODEL], state.get(keys.TRAINED_TASK, ""),
                                  TRAINED)
    found = upload.uploaded() if model == UPLOADED else None
    if found is not None and found.token_model is not None:  # an uploaded lstm-viz model
        own = found.token_model
        return compute.own_chosen(own, str(own.meta.get("task", "")), UPLOADED)
    return None


def uploaded_stack() -> StackedLSTM | None:
    """The session's uploaded plain LSTM stack, or None (an uploaded token model is a trained
    model: see :func:`choose`)."""
    found = upload.uploaded()
    return found.stack if found is not None and found.token_model is None else None


def model_label(lang: str):
    """The label of each model option, the uploaded one included."""
    return lambda m: tr("upload.model" if m == UPLOADED else f"model.{m}", lang)


def model_picker(box, lang: str, help_key: str, on_change, uploads: bool = False,
                 opening: bool = False) -> str:
    """The model choice, kept in ``?model=``: random weights, the demos, the learner's own
    model once trained and, with ``uploads``, an uploaded one once there. With ``opening``
    the page starts on :func:`opening_model` and only the language's demo is left out of
    the URL; otherwise random weights are the default."""
    default = opening_demo(lang) if opening else RANDOM
    if opening and keys.MODEL not in st.session_state and keys.MODEL not in st.query_params:
        st.session_state[keys.MODEL] = opening_model(lang)
    offered = compute.MODELS if keys.TRAINED_MODEL in st.session_state else compute.MODELS[:-1]
    if uploads and keys.UPLOADED_MODEL in st.session_state:
        offered = (*offered, UPLOADED)
    return common.choice(box.selectbox, tr("gates.model", lang), offered, keys.MODEL, default,
                         model_label(lang), on_change=on_change, help=tr(help_key, lang))


def model_about(chosen: Chosen, model: str, lang: str, own_task: bool = True) -> str:
    """What a trained model is: the learner's own (with its task's description if
    ``own_task``), an uploaded one, or a demo and what it was trained for (Markdown from the
    catalogue)."""
    about = tr(f"model.{chosen.task}.about", lang) if chosen.task in compute.DEMOS else ""
    if model == TRAINED:
        return tr("gates.model.yours", lang) + (" " + about if own_task else "")
    if model == UPLOADED:
        return tr("upload.model", lang)
    return tr("gates.model.trained_for", lang, name=tr(f"model.{model}", lang), about=about)


def random_settings(box, lang: str, seed_help: str = "gates.seed.help") -> tuple[str, int, int]:
    """Reading mode, units and seed of the random-weights model (kept while a trained model
    hides them); the mode's default is the language's (:func:`reading_mode`)."""
    for key in DEFAULTS:  # back from a trained model: the values from before
        if key not in st.session_state and key not in st.query_params \
                and keys.kept(key) in st.session_state:
            st.session_state[key] = st.session_state[keys.kept(key)]
    cols = box.columns([4, 2, 2])  # room for "Characters Words Numbers" on one line
    mode = mode_choice(cols[0], lang)
    units = common.number(cols[1], tr("gates.units", lang), 1, 64, 8, keys.UNITS,
                          help=tr("gates.units.help", lang))
    seed = common.number(cols[2], tr("gates.seed", lang), 0, 9999, 0, keys.SEED,
                         help=tr(seed_help, lang))
    st.session_state.update({keys.kept(keys.UNITS): units, keys.kept(keys.SEED): seed})
    return mode, units, seed


def mode_choice(box, lang: str) -> str:
    """How the sequence is read (words, characters, numbers), kept in ``?mode=`` unless it
    is the language's own (:func:`reading_mode`)."""
    mode = common.choice(box.segmented_control, tr("gates.mode", lang), MODES, keys.MODE,
                         reading_mode(lang), lambda m: tr(f"mode.{m}", lang),
                         help=tr("gates.mode.help", lang))
    st.session_state[keys.kept(keys.MODE)] = mode
    return mode


def kept_settings(lang: str) -> tuple[str, int, int]:
    """The random model's mode, units and seed as last set (a trained model hides them)."""
    defaults = {**DEFAULTS, keys.MODE: reading_mode(lang)}
    mode, units, seed = (st.session_state.get(keys.kept(k), v) for k, v in defaults.items())
    return mode, int(units), int(seed)


def chosen_view(text: str, mode: str, units: int, seed: int, model: str, layer: int,
                chosen: Chosen | None) -> GatesView:
    """The view of ``text`` read by random weights (``chosen`` None) or a trained model."""
    return GatesView(text, mode, int(units), int(seed), model, layer,
                     chosen.key if chosen else "", chosen)


def link_values(view: GatesView, **shown) -> dict:
    """What the view shows, by URL name, for :func:`ui.common.check_link`: the random
    model's mode, units and seed only while a trained model does not hide them."""
    values = {keys.SEQ: view.text, keys.MODEL: view.model, **shown}
    if view.trained is None:
        values.update({keys.MODE: view.mode, keys.UNITS: view.units, keys.SEED: view.seed})
    return values


def read_model_text() -> None:
    """A trained model reads only its own tokens: if the sequence has others, start from
    one of the model's examples (an on_change callback of the model choice)."""
    chosen = choose(st.session_state[keys.MODEL])
    if chosen is not None and not compute.readable(chosen, st.session_state.get(keys.SEQ, "")):
        texts = compute.model_examples(chosen)
        st.session_state[keys.SEQ] = texts[0] if texts else ""


def step_and_unit(lang: str, steps: int, units: int, texts: str = "gates",
                  start_at_end: bool = False) -> tuple[int, int]:
    """The step and the unit to look at closely, 1-based as people count; labels and help
    from the catalogue's ``<texts>.step``, ``<texts>.step.help`` and ``<texts>.unit.help``."""
    cols = st.columns([3, 1])
    with cols[0]:
        step = remembered_slider(tr(f"{texts}.step", lang), keys.STEP, steps,
                                 steps if start_at_end else 1, help=tr(f"{texts}.step.help", lang))
    with cols[1]:
        unit = remembered_slider(tr("gates.unit", lang), keys.UNIT, units, 1,
                                 help=tr(f"{texts}.unit.help", lang))
    return step, unit


def remembered_slider(label, key, high, default, **kw) -> int:
    """A 1-based slider kept in the URL whose value survives a rerun in which it was not
    shown; a value beyond a shorter sequence is cut to fit."""
    kept = keys.kept(key)
    if key not in st.session_state and key not in st.query_params and kept in st.session_state:
        st.session_state[key] = st.session_state[kept]
    if st.session_state.get(key, default) > high:
        st.session_state[key] = high
    if high == 1:
        st.session_state[kept] = 1
        return 1
    # A value set through Session State above (kept, or cut to fit) is the slider's value:
    # passing a default as well makes Streamlit warn that the two disagree.
    start = None if key in st.session_state else min(default, high)
    value = st.slider(label, 1, high, start, key=key, bind="query-params", **kw)
    st.session_state[kept] = value
    return value
