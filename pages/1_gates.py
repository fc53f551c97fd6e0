"""Gates, step by step: type a sequence and watch f, i, C̃, o, C and h at every step."""

import streamlit as st

from text.i18n import tr
from ui import callbacks, common, compute, controls, keys, step_detail, upload
from ui.views import UPLOADED, Chosen, GatesView

EXAMPLES = {  # catalogue key → (sequence, mode)
    "gates.ex.words": ("the cat sat on the mat because it was warm", "words"),
    "gates.ex.chars": ("hello, LSTM!", "chars"),
    "gates.ex.zh": ("小明喜欢读书，他每天都去图书馆。", "chars"),
    "gates.ex.wave": ("0, 0.5, 0.87, 1, 0.87, 0.5, 0, -0.5, -0.87, -1, -0.87, -0.5, 0", "numbers"),
    "gates.ex.vectors": ("1 0; 0 1; 1 1; 0 0; 1 0; 0 1", "numbers"),
}

# The step arithmetic in the code font, as plain text: st.text reads no Markdown or HTML
# (tokens the learner typed appear in these lines), and, unlike st.code, it loads no 1.6 MB
# syntax highlighter into the browser. A constant of ours, never the learner's text.


def example_keys(lang: str) -> list[str]:
    """The example buttons in order; in Chinese the Chinese sentence comes first."""
    first = ["gates.ex.zh"] if lang == "zh" else []
    return first + [k for k in EXAMPLES if k not in first]


def gates_controls(lang: str) -> GatesView:
    """The model's settings, as one view whose text the sequence box fills in
    (ui/step_detail.py)."""
    left, right = st.columns([7, 3])
    # opens on a trained demo, whose gates visibly work; random weights one click away
    model = controls.model_picker(right, lang, "gates.model.help", callbacks.gates_model_changed,
                                  uploads=True, opening=True)
    controls.start_on_known_unit(model, player=True)
    with right:
        upload.upload_control(lang, on_model=callbacks.gates_model_changed)
    chosen = controls.choose(model)
    stack = controls.uploaded_stack() if model == UPLOADED else None
    if chosen is None and stack is not None:  # plain LSTM weights: the sequence is x
        mode, layer = uploaded_settings(left, upload.uploaded(), lang)
        _, units, seed = controls.kept_settings(lang)
        examples(None, lang)
        return GatesView("", mode, units, seed, model, layer - 1, compute.stack_key(stack), stack)
    if chosen is None:
        mode, units, seed = controls.random_settings(left, lang)
        layer = 1
    else:  # a trained model brings its own tokens, size and weights: nothing to set
        mode, units, seed = controls.kept_settings(lang)
        layer = model_facts(left, chosen, model, lang)
        controls.opening_note(left, model, lang)
    examples(chosen, lang)
    return controls.chosen_view("", mode, units, seed, model, layer - 1, chosen)


def uploaded_settings(box, found, lang: str) -> tuple[str, int]:
    """What the uploaded model is, how the sequence is read and its layer (1-based)."""
    box.markdown(common.escape_markdown(tr("upload.about", lang, kind=tr(found.kind, lang),
                                          inputs=found.input_size,
                                          layers=upload.layers_text(found))))
    mode = controls.mode_choice(box, lang)
    with box:
        return mode, layer_choice(len(found.layers), lang)


def model_facts(box, chosen: Chosen, model: str, lang: str) -> int:
    """What the trained model was trained for and how it reads; its layer (1-based)."""
    box.markdown(controls.model_about(chosen, model, lang))
    reads = tr(f"gates.model.segment.{compute.segment(chosen)}", lang)
    box.caption(tr("gates.model.decides", lang, segment=reads,
                  units=" → ".join(str(n) for n in chosen.model.units)))
    known = compute.known_unit(model)
    if known:
        box.markdown(tr(f"gates.model.job.{known[0]}", lang, unit=known[1] + 1))
    with box:
        return layer_choice(len(chosen.model.units), lang)


def layer_choice(count: int, lang: str) -> int:
    """Which of a model's ``count`` layers to look at (1-based); asked only if several."""
    layers = tuple(str(k) for k in range(1, count + 1))
    if len(layers) == 1:
        return 1
    return int(common.choice(st.selectbox, tr("gates.model.layer", lang), layers, keys.LAYER,
                             "1", str, help=tr("gates.model.layer.help", lang)))


def examples(chosen: Chosen | None, lang: str) -> None:
    """Buttons that fill in an example: the page's own, or texts the trained model reads."""
    if chosen is None:
        with st.expander(tr("gates.examples", lang)):
            ex_cols = st.columns(len(EXAMPLES))
            for col, key in zip(ex_cols, example_keys(lang), strict=True):
                seq, mode = EXAMPLES[key]  # callbacks of ui/: this script's globals stay its own
                col.button(tr(key, lang), on_click=callbacks.set_state,
                           args=({keys.SEQ: seq, keys.MODE: mode},), key=f"btn_{key}",
                           width="stretch")
        return
    with st.expander(tr("gates.model.examples", lang)):
        for k, text in enumerate(compute.model_examples(chosen)):
            st.button(text, on_click=callbacks.set_state, args=({keys.SEQ: text},),
                      key=f"btn_model_{k}", width="stretch")


lang = common.page("nav.gates")
st.caption(tr("gates.intro", lang))
# Play and the diagram on the first screen of a phone, a laptop and a projector: the model's
# settings start folded (still read); below them the sequence box stays in sight, in the
# player's fragment (a new sequence reruns only that part of the page), except on a
# projector, where it is folded with the settings (one row less above the diagram).
with st.expander(tr("share.controls", lang)):
    view = gates_controls(lang)
    seq = step_detail.sequence_box(lang) if common.presenting() else None
if not common.presenting():  # which model is open, with the settings folded
    st.caption(tr("gates.model.now", lang, name=controls.model_label(lang)(view.model)))
st.session_state[keys.PLAYER_FULL_RUN] = True  # not a rerun of the player's fragment alone
step_detail.sequence_and_steps(view, lang, seq)
