"""Widgets that several pages share: the random model's settings, remembered sliders, and
what happens to the sequence when a trained model is chosen."""

from __future__ import annotations

import streamlit as st

from lstm_viz.inputs import MODES
from text.i18n import t
from ui import common, compute

DEFAULTS = {"mode": "words", "units": 8, "seed": 0}  # the random-weights model's settings


def random_settings(box, lang: str, seed_help: str = "gates.seed.help") -> tuple[str, int, int]:
    """Reading mode, units and seed of the random-weights model (kept while a trained model
    hides them)."""
    for key in DEFAULTS:  # back from a trained model: the values from before
        if key not in st.session_state and key not in st.query_params \
                and f"_{key}" in st.session_state:
            st.session_state[key] = st.session_state[f"_{key}"]
    cols = box.columns([3, 2, 2])
    mode = common.choice(cols[0].segmented_control, t("gates.mode", lang), MODES, "mode",
                         "words", lambda m: t(f"mode.{m}", lang), help=t("gates.mode.help", lang))
    units = common.number(cols[1], t("gates.units", lang), 1, 64, 8, "units",
                          help=t("gates.units.help", lang))
    seed = common.number(cols[2], t("gates.seed", lang), 0, 9999, 0, "seed",
                         help=t(seed_help, lang))
    st.session_state.update(_mode=mode, _units=units, _seed=seed)
    return mode, units, seed


def read_model_text() -> None:
    """A trained model reads only its own tokens: if the sequence has others, start from
    one of the model's examples (an on_change callback of the model choice)."""
    chosen = compute.choose(st.session_state["model"])
    if chosen is not None and not compute.readable(chosen, st.session_state.get("seq", "")):
        texts = compute.model_examples(chosen.key, chosen.key, _chosen=chosen)
        st.session_state["seq"] = texts[0] if texts else ""


def remembered_slider(label, key, high, default, **kw) -> int:
    """A 1-based slider kept in the URL whose value survives a rerun in which it was not
    shown; a value beyond a shorter sequence is cut to fit."""
    if key not in st.session_state and key not in st.query_params and f"_{key}" in st.session_state:
        st.session_state[key] = st.session_state[f"_{key}"]
    if st.session_state.get(key, default) > high:
        st.session_state[key] = high
    if high == 1:
        st.session_state[f"_{key}"] = 1
        return 1
    value = st.slider(label, 1, high, min(default, high), key=key, bind="query-params", **kw)
    st.session_state[f"_{key}"] = value
    return value
