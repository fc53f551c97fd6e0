"""The "Use your own model" control: upload a weights file, say what was found.

The uploaded model is this session's own (``st.session_state[keys.UPLOADED_MODEL]``, a
:class:`lstm_viz.upload.Found`); a bad file leaves the session as it was and explains why.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from lstm_viz.upload import Found, UploadError, read_weights
from text.i18n import tr
from ui import common, keys
from ui.views import UPLOADED

MAX_BYTES = 5_000_000  # the app's upload limit (.streamlit/config.toml: maxUploadSize = 5)

# The export snippets the control shows (the README shows the same).
PYTORCH_SNIPPET = ('import numpy as np\n'
                   'np.savez("lstm.npz", **{k: v.detach().cpu().numpy()\n'
                   '                        for k, v in model.state_dict().items()})')
KERAS_SNIPPET = ('import numpy as np\n'
                 'np.savez("lstm.npz", *[w for layer in model.layers\n'
                 '                       for w in layer.get_weights()])')


def uploaded() -> Found | None:
    """This session's uploaded model, if a good file came."""
    return st.session_state.get(keys.UPLOADED_MODEL)


def accept(data: bytes) -> str | None:
    """Read ``data``; keep the model in the session if good. Returns None on success or
    the error's catalogue key, leaving every other session value untouched."""
    try:
        model = read_weights(data, max_bytes=MAX_BYTES)
    except UploadError as err:
        st.session_state[keys.UPLOAD_ERROR] = err
        return err.reason
    st.session_state[keys.UPLOADED_MODEL] = model
    st.session_state.pop(keys.UPLOAD_ERROR, None)
    return None


def _on_upload(on_model: Callable[[], None] | None) -> None:
    """The uploader changed: read the new file; a good one becomes the chosen model."""
    file = st.session_state.get(keys.UPLOAD_FILE)
    if file is None:  # the learner removed the file: keep the model, forget the error
        st.session_state.pop(keys.UPLOAD_ERROR, None)
        return
    if accept(file.getvalue()) is None:
        st.session_state[keys.MODEL] = UPLOADED
        if on_model is not None:
            on_model()


def detail(error: UploadError, lang: str) -> str:
    """What is wrong with the file, in ``lang``."""
    return tr(error.key, lang, **error.values)


def layers_text(found: Found) -> str:
    return " → ".join(str(n) for n in found.layers)


def summary(found: Found, lang: str) -> str:
    """One sentence: what the file held, its layout, input size, layers and head."""
    head = tr("upload.head", lang, n=found.head) if found.head else ""
    return tr("upload.found", lang, kind=tr(found.kind, lang),
             convention=tr(f"upload.layout.{found.convention}", lang),
             inputs=found.input_size, layers=layers_text(found), head=head)


def upload_control(lang: str, on_model: Callable[[], None] | None = None) -> None:
    """The expander with the export snippets, the uploader and what the file held."""
    error = st.session_state.get(keys.UPLOAD_ERROR)
    with st.expander(tr("upload.title", lang), expanded=error is not None):
        st.caption(tr("upload.intro", lang))
        st.markdown(tr("upload.pytorch", lang))
        common.monospace(PYTORCH_SNIPPET, "snippet_pytorch")
        st.markdown(tr("upload.keras", lang))
        common.monospace(KERAS_SNIPPET, "snippet_keras")
        st.file_uploader(tr("upload.file", lang), type=["npz"], key=keys.UPLOAD_FILE,
                         on_change=_on_upload, args=(on_model,),
                         help=tr("upload.file.help", lang))
        if error is not None:
            common.show_error(tr(error.reason, lang) + " "
                              + tr("upload.detail", lang, detail=detail(error, lang)))
            st.caption(tr("upload.kept", lang))
        model = uploaded()
        if model is not None:
            st.success(common.escape_markdown(summary(model, lang)), icon=":material/check:")
            if model.ignored:
                st.caption(common.escape_markdown(  # key names come from the file
                    tr("upload.ignored", lang, keys=", ".join(model.ignored))))
            st.caption(tr("upload.choose", lang, name=tr("upload.model", lang)))
