"""Widgets that several pages share: the model picker and the random model's settings, the
model they choose, remembered sliders, and what happens to the sequence when a trained model
is chosen. These read ``st.session_state``; the cached runs in :mod:`ui.compute` never do."""

from __future__ import annotations

import streamlit as st

from lstm_viz import StackedLSTM
from lstm_viz.inputs import MODES
from text.i18n import t
from ui import common, compute, keys, upload
from ui.views import RANDOM, TRAINED, UPLOADED, Chosen, GatesView

DEFAULTS = {keys.MODE: "words", keys.UNITS: 8, keys.SEED: 0}  # the random-weights model's


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
    return lambda m: t("upload.model" if m == UPLOADED else f"model.{m}", lang)


def model_picker(box, lang: str, help_key: str, on_change, uploads: bool = False) -> str:
    """The model choice, kept in ``?model=``: random weights, the demos, the learner's own
    model once trained and, with ``uploads``, an uploaded one once there."""
    offered = compute.MODELS if keys.TRAINED_MODEL in st.session_state else compute.MODELS[:-1]
    if uploads and keys.UPLOADED_MODEL in st.session_state:
        offered = (*offered, UPLOADED)
    return common.choice(box.selectbox, t("gates.model", lang), offered, keys.MODEL, RANDOM,
                         model_label(lang), on_change=on_change, help=t(help_key, lang))


def model_about(chosen: Chosen, model: str, lang: str, own_task: bool = True) -> str:
    """What a trained model is: the learner's own (with its task's description if
    ``own_task``), an uploaded one, or a demo and what it was trained for (Markdown from the
    catalogue)."""
    about = t(f"model.{chosen.task}.about", lang) if chosen.task in compute.DEMOS else ""
    if model == TRAINED:
        return t("gates.model.yours", lang) + (" " + about if own_task else "")
    if model == UPLOADED:
        return t("upload.model", lang)
    return t("gates.model.trained_for", lang, name=t(f"model.{model}", lang), about=about)


def random_settings(box, lang: str, seed_help: str = "gates.seed.help") -> tuple[str, int, int]:
    """Reading mode, units and seed of the random-weights model (kept while a trained model
    hides them)."""
    for key in DEFAULTS:  # back from a trained model: the values from before
        if key not in st.session_state and key not in st.query_params \
                and keys.kept(key) in st.session_state:
            st.session_state[key] = st.session_state[keys.kept(key)]
    cols = box.columns([3, 2, 2])
    mode = mode_choice(cols[0], lang)
    units = common.number(cols[1], t("gates.units", lang), 1, 64, 8, keys.UNITS,
                          help=t("gates.units.help", lang))
    seed = common.number(cols[2], t("gates.seed", lang), 0, 9999, 0, keys.SEED,
                         help=t(seed_help, lang))
    st.session_state.update({keys.kept(keys.UNITS): units, keys.kept(keys.SEED): seed})
    return mode, units, seed


def mode_choice(box, lang: str) -> str:
    """How the sequence is read (words, characters, numbers), kept in ``?mode=``."""
    mode = common.choice(box.segmented_control, t("gates.mode", lang), MODES, keys.MODE,
                         "words", lambda m: t(f"mode.{m}", lang), help=t("gates.mode.help", lang))
    st.session_state[keys.kept(keys.MODE)] = mode
    return mode


def kept_settings() -> tuple[str, int, int]:
    """The random model's mode, units and seed as last set (a trained model hides them)."""
    mode, units, seed = (st.session_state.get(keys.kept(k), v) for k, v in DEFAULTS.items())
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
        step = remembered_slider(t(f"{texts}.step", lang), keys.STEP, steps,
                                 steps if start_at_end else 1, help=t(f"{texts}.step.help", lang))
    with cols[1]:
        unit = remembered_slider(t("gates.unit", lang), keys.UNIT, units, 1,
                                 help=t(f"{texts}.unit.help", lang))
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
    value = st.slider(label, 1, high, min(default, high), key=key, bind="query-params", **kw)
    st.session_state[kept] = value
    return value
