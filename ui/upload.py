"""The "Use your own model" control: upload a weights file, say what was found.

The uploaded model is this session's own (``st.session_state["uploaded_model"]``, a
:class:`lstm_viz.upload.Found`); a bad file leaves the session as it was and explains why.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from lstm_viz.i18n import t
from lstm_viz.upload import KERAS_SNIPPET, PYTORCH_SNIPPET, Found, UploadError, read_weights
from ui import common

KEY = "uploaded_model"  # the Found of this session's last good file
ERROR = "_upload_error"  # the UploadError of the last bad file, until the next one


def accept(data: bytes) -> str | None:
    """Read ``data``; keep the model in the session if good. Returns None on success or
    the error's catalogue key, leaving every other session value untouched."""
    try:
        found = read_weights(data)
    except UploadError as err:
        st.session_state[ERROR] = err
        return err.reason
    st.session_state[KEY] = found
    st.session_state.pop(ERROR, None)
    return None


def _on_upload(on_model: Callable[[], None] | None) -> None:
    """The uploader changed: read the new file; a good one becomes the chosen model."""
    file = st.session_state.get("upload_file")
    if file is None:  # the learner removed the file: keep the model, forget the error
        st.session_state.pop(ERROR, None)
        return
    if accept(file.getvalue()) is None:
        st.session_state["model"] = "uploaded"
        if on_model is not None:
            on_model()


def layers_text(found: Found) -> str:
    return " → ".join(str(n) for n in found.layers)


def summary(found: Found, lang: str) -> str:
    """One sentence: what the file held, its layout, input size, layers and head."""
    head = t("upload.head", lang, n=found.head) if found.head else ""
    return t("upload.found", lang, kind=t(found.kind, lang),
             convention=t(f"upload.layout.{found.convention}", lang),
             inputs=found.input_size, layers=layers_text(found), head=head)


def upload_control(lang: str, on_model: Callable[[], None] | None = None) -> None:
    """The expander with the export snippets, the uploader and what the file held."""
    error = st.session_state.get(ERROR)
    with st.expander(t("upload.title", lang), expanded=error is not None):
        st.caption(t("upload.intro", lang))
        # Fenced Markdown, not st.code: the page's st.code blocks are its arithmetic.
        st.markdown(t("upload.pytorch", lang))
        st.markdown(f"```python\n{PYTORCH_SNIPPET}\n```")
        st.markdown(t("upload.keras", lang))
        st.markdown(f"```python\n{KERAS_SNIPPET}\n```")
        st.file_uploader(t("upload.file", lang), type=["npz"], key="upload_file",
                         on_change=_on_upload, args=(on_model,),
                         help=t("upload.file.help", lang))
        if error is not None:
            common.show_error(t(error.reason, lang) + " "
                              + t("upload.detail", lang, detail=error.detail(lang)))
            st.caption(t("upload.kept", lang))
        found = st.session_state.get(KEY)
        if found is not None:
            st.success(common.escape_markdown(summary(found, lang)), icon=":material/check:")
            if found.ignored:
                st.caption(common.escape_markdown(  # key names come from the file
                    t("upload.ignored", lang, keys=", ".join(found.ignored))))
            st.caption(t("upload.choose", lang, name=t("upload.model", lang)))
