"""Issue 14, items 2, 5 and 11: an upload's size is judged after conversion to float64,
its layer count against the core's limit, and a big-endian file is read like any other."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from conftest import assert_clean, open_page

from lstm_viz import StackedLSTM
from lstm_viz.params import MAX_LAYERS
from lstm_viz.upload import UploadError, check_size, read_weights
from text.i18n import tr
from ui.upload import MAX_BYTES

MAX_PARAMS = MAX_BYTES // 4  # what the app allows: its byte limit, in float32 numbers


def npz(compressed=False, **arrays) -> bytes:
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()


def bool_bomb() -> bytes:
    """The issue's 19.5 KB file: a 2,200-unit layer of booleans (19.4 M float64 values)."""
    return npz(True, W=np.ones((8800, 4), bool), U=np.zeros((8800, 2200), bool),
               b=np.zeros(8800, bool))


def deep_stack(layers: int) -> bytes:
    arrays = {}
    for k in range(layers):
        arrays.update({f"l{k}.W": np.zeros((8, 2)), f"l{k}.U": np.zeros((8, 2)),
                       f"l{k}.b": np.zeros(8)})
    return npz(format=np.array("lstm-viz/stack-v1"), **arrays)


def test_a_small_compressed_file_of_millions_of_parameters_is_refused():
    data = bool_bomb()
    assert len(data) < 25_000
    with pytest.raises(UploadError) as err:
        read_weights(data, max_bytes=MAX_BYTES)
    assert err.value.reason == "upload.err.too_big"
    assert err.value.key == "upload.why.too_many_params"
    text = tr(err.value.key, "en", **err.value.values)
    assert "19,404,000" in text and f"{MAX_PARAMS:,}" in text
    assert "units" in text  # says how to stay under it
    assert tr(err.value.key, "zh", **err.value.values) != text


def test_a_model_at_the_limit_is_accepted():
    H = 16
    X = 3
    check_size({"W": np.zeros((4 * H, X)), "U": np.zeros((4 * H, H)), "b": np.zeros(4 * H)},
               MAX_PARAMS)
    with pytest.raises(UploadError):
        check_size({"W": np.zeros(MAX_PARAMS + 1, np.float32)}, MAX_PARAMS)
    check_size({"W": np.zeros(MAX_PARAMS, np.float32), "format": np.array("x" * 50)},
               MAX_PARAMS)


def test_the_limit_is_what_an_upload_of_float32_can_hold():
    assert MAX_PARAMS * 4 >= MAX_BYTES * 0.99  # an honest float32 file under the byte limit fits


def test_more_layers_than_the_core_supports_are_refused_at_upload():
    read_weights(deep_stack(MAX_LAYERS))
    with pytest.raises(UploadError) as err:
        read_weights(deep_stack(MAX_LAYERS + 1))
    assert err.value.key == "upload.why.too_many_layers"
    assert str(MAX_LAYERS) in tr(err.value.key, "en", **err.value.values)


@pytest.mark.parametrize("page", ["gates", "stacked"])
def test_pages_say_why_a_65_layer_or_bomb_file_is_refused(page):
    for data in (deep_stack(MAX_LAYERS + 1), bool_bomb()):
        at = open_page(page)
        at.file_uploader(key="upload_file").set_value(("m.npz", data, "application/octet-stream"))
        at.run()
        assert_clean(at)
        assert at.error
        assert "uploaded_model" not in at.session_state


def test_a_big_endian_file_is_converted_not_refused():
    stack = StackedLSTM.random(3, (4,), seed=1)
    layer = stack.layers[0]
    data = npz(W=layer.W.astype(">f8"), U=layer.U.astype(">f8"), b=layer.b.astype(">f4"))
    found = read_weights(data, max_bytes=MAX_BYTES)
    x = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_allclose(found.stack.run(x).top.h, stack.run(x).top.h, rtol=1e-6)


@pytest.mark.parametrize("what", ["lstm", "stack", "token"])
def test_a_valid_file_of_ours_is_parsed_once(what, monkeypatch, tmp_path):
    import lstm_viz._checks as checks
    from lstm_viz.model import TokenModel

    stack = StackedLSTM.random(3, (4, 2), dense=2, seed=0)
    path = tmp_path / "m.npz"
    if what == "token":
        path = Path(__file__).resolve().parents[1] / "lstm_viz" / "demos" / "brackets.npz"
    else:
        (stack.layers[0] if what == "lstm" else stack).save(path)
    calls = []
    real = np.load
    monkeypatch.setattr(checks.np, "load", lambda *a, **k: calls.append(1) or real(*a, **k))
    found = read_weights(path.read_bytes())
    assert len(calls) == 1
    if what == "token":
        assert found.token_model.vocab == TokenModel.load(path).vocab
        assert found.stack is found.token_model.stack
    else:
        assert found.layers == ((4,) if what == "lstm" else (4, 2))


def test_a_zip_of_an_unsupported_version_is_damaged_not_a_crash():
    # Found by tests/test_fuzz_cli.py: one flipped byte made zipfile raise
    # NotImplementedError ("zip file version 6.4") before the arrays were read.
    import zipfile

    data = bytearray(npz(W=np.zeros((4, 1)), U=np.zeros((4, 1)), b=np.zeros(4)))
    at = data.rfind(b"PK\x01\x02")  # the central directory entry: "version needed" at +6
    data[at + 6:at + 8] = (64).to_bytes(2, "little")
    with pytest.raises(NotImplementedError):
        zipfile.ZipFile(io.BytesIO(bytes(data)))
    with pytest.raises(UploadError) as caught:
        read_weights(bytes(data), max_bytes=MAX_BYTES)
    assert caught.value.key == "upload.why.damaged"
