"""Issue 14, item 6: text that comes from a file or a link is shown as text, never Markdown.

Markdown, links, images, LaTeX, HTML and Streamlit's ``:red[…]`` directives are planted in
every place a file or a link can put text on a page: the key names of an uploaded file
(ignored keys, unknown keys, a bad dtype), the vocabulary of an uploaded token model (the
"words it knows" of an error), and the values of a link's parameters. Every element that
renders Markdown must show the planted text escaped, never as markup.
"""

from __future__ import annotations

import io

import numpy as np
from conftest import assert_clean, open_page

from lstm_viz import StackedLSTM
from ui.common import escape_markdown

PLANTED = ("![img](http://127.0.0.1:9/t.png)", "[link](http://127.0.0.1:9/x)",
           "$\\sqrt{x}$", ":red[boom]", "**bold**", "<img src=x>")
MARKDOWN_ELEMENTS = ("markdown", "caption", "success", "error", "info", "warning")


def rendered(at) -> list[str]:
    """The source of every element Streamlit renders as Markdown."""
    out = []
    for kind in MARKDOWN_ELEMENTS:
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def assert_as_text(at, planted) -> None:
    """Each planted text is shown escaped somewhere, and nowhere raw."""
    texts = rendered(at)
    for text in planted:
        assert not any(text in t for t in texts), (text, [t for t in texts if text in t])
        assert any(escape_markdown(text) in t for t in texts), (text, texts)


def put(at, data: bytes):
    at.file_uploader(key="upload_file").set_value(("m.npz", data, "application/octet-stream"))
    return at.run()


def npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def torch_arrays(stack: StackedLSTM) -> dict:
    out = {}
    for k, layer in enumerate(stack.layers):
        out.update({f"weight_ih_l{k}": layer.W, f"weight_hh_l{k}": layer.U,
                    f"bias_ih_l{k}": layer.b})
    return out


def test_ignored_key_names_of_an_upload_are_text():
    stack = StackedLSTM.random(3, (4,), seed=0)
    extra = {name: np.zeros(1) for name in PLANTED}
    at = put(open_page("gates", seq="1 0 0; 0 1 0", mode="numbers"),
             npz(**torch_arrays(stack), **extra))
    assert_clean(at)
    assert at.selectbox(key="model").value == "uploaded"
    assert_as_text(at, PLANTED)


def test_unknown_key_names_of_an_upload_are_text():
    at = put(open_page("gates"), npz(**{name: np.zeros(2) for name in PLANTED}))
    assert_clean(at)
    assert at.error
    assert_as_text(at, PLANTED)


def test_a_bad_dtype_key_name_is_text():
    stack = StackedLSTM.random(3, (4,), seed=0)
    name = PLANTED[0]
    at = put(open_page("gates"), npz(**torch_arrays(stack), **{name: np.array(["s"])}))
    assert_clean(at)
    assert_as_text(at, (name,))


def test_link_values_are_text():
    for page, key in (("gates", "units"), ("gates", "seed"), ("stacked", "dense")):
        at = open_page(page, **{key: PLANTED[0]})
        assert_clean(at)
        assert_as_text(at, (PLANTED[0],))


def test_the_vocabulary_and_labels_of_an_uploaded_token_model_are_text():
    from lstm_viz.model import TokenModel

    vocab = ("cat", *PLANTED[:4])
    model = TokenModel.random(vocab, (PLANTED[4], "b"), embed_dim=3, units=(4,), seed=0)
    buf = io.BytesIO()
    model.save(buf)
    at = put(open_page("gates"), buf.getvalue())
    assert_clean(at)
    assert at.selectbox(key="model").value == "uploaded"
    at.text_area(key="seq").input("dog").run()  # a word the model does not know
    assert_clean(at)
    assert at.error
    assert_as_text(at, PLANTED[:4])
