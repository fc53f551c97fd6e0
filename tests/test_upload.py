"""lstm_viz/upload.py: every supported layout is detected and runs like its source; every
bad file gets a message saying what is wrong."""

import io
from pathlib import Path

import numpy as np
import pytest

from lstm_viz import LSTM, StackedLSTM
from lstm_viz.model import TokenModel
from lstm_viz.stack import Dense
from lstm_viz.upload import Found, UploadError, read_weights
from text.i18n import tr

DEMO = Path(__file__).resolve().parents[1] / "lstm_viz" / "demos" / "brackets.npz"
X = np.random.default_rng(1).normal(size=(6, 3))  # (T, X) a sequence of 3-vectors


def npz(*args, **arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, *args, **arrays)
    return buf.getvalue()


def saved(obj) -> bytes:
    buf = io.BytesIO()
    obj.save(buf)
    return buf.getvalue()


def torch_dict(stack: StackedLSTM, prefix: str = "") -> dict:
    """The stack's weights named and laid out as nn.LSTM's state_dict (b split in two)."""
    out = {}
    for k, layer in enumerate(stack.layers):
        out.update({f"{prefix}weight_ih_l{k}": layer.W, f"{prefix}weight_hh_l{k}": layer.U,
                    f"{prefix}bias_ih_l{k}": layer.b * 0.25,
                    f"{prefix}bias_hh_l{k}": layer.b * 0.75})
    return out


def keras_list(stack: StackedLSTM) -> list:
    out = [w for layer in stack.layers for w in (layer.W.T, layer.U.T, layer.b)]
    if stack.head is not None:
        out += [stack.head.W.T, stack.head.b]
    return out


def same_run(found: Found, stack: StackedLSTM) -> None:
    got, want = found.stack.run(X), stack.run(X)
    for a, b in zip(got.layers, want.layers, strict=True):
        np.testing.assert_allclose(a.h, b.h, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(a.c, b.c, rtol=1e-12, atol=1e-14)
    if want.y is not None:
        np.testing.assert_allclose(got.y, want.y, rtol=1e-12, atol=1e-14)


STACK = StackedLSTM.random(3, (5, 4), dense=2, seed=3)


# ---- the layouts ---------------------------------------------------------------------------

def test_core_layer_file():
    lstm = LSTM.random(3, 4, seed=2)
    found = read_weights(saved(lstm))
    assert (found.convention, found.layers, found.input_size) == ("lstm-viz", (4,), 3)
    assert found.kind == "upload.kind.lstm"
    np.testing.assert_array_equal(found.stack.layers[0].run(X).h, lstm.run(X).h)


def test_core_stack_file():
    found = read_weights(saved(STACK))
    assert (found.convention, found.layers, found.head) == ("lstm-viz", (5, 4), 2)
    assert found.kind == "upload.kind.stack" and found.token_model is None
    same_run(found, STACK)


def test_core_token_model_file():
    found = read_weights(DEMO.read_bytes())
    model = TokenModel.load(DEMO)
    assert found.kind == "upload.kind.token" and found.convention == "lstm-viz"
    assert found.token_model.vocab == model.vocab
    assert found.layers == model.units
    ids = model.encode(model.vocab[:3])
    np.testing.assert_array_equal(found.token_model.run(ids).probs, model.run(ids).probs)


@pytest.mark.parametrize("prefix", ["", "lstm.", "encoder.rnn."])
def test_pytorch_state_dict_with_prefix_layers_and_head(prefix):
    arrays = torch_dict(STACK, prefix)
    arrays.update({"fc.weight": STACK.head.W, "fc.bias": STACK.head.b})
    found = read_weights(npz(**arrays))
    assert (found.convention, found.layers, found.head) == ("pytorch", (5, 4), 2)
    same_run(found, STACK)


def test_pytorch_bare_linear_head_and_ignored_keys():
    arrays = torch_dict(STACK, "lstm.")
    arrays.update({"weight": STACK.head.W, "bias": STACK.head.b,
                   "embedding.weight": np.ones((7, 3))})
    found = read_weights(npz(**arrays))
    assert found.head == 2 and found.ignored == ("embedding.weight",)
    same_run(found, STACK)


def test_pytorch_without_head_or_biases():
    stack = StackedLSTM.random(3, (4,), seed=5)
    found = read_weights(npz(weight_ih_l0=stack.layers[0].W, weight_hh_l0=stack.layers[0].U))
    assert found.head is None
    np.testing.assert_allclose(found.stack.layers[0].b, 0)


@pytest.mark.parametrize("head", [True, False])
def test_keras_arrays(head):
    stack = STACK if head else StackedLSTM(STACK.layers)
    found = read_weights(npz(*keras_list(stack)))
    assert (found.convention, found.layers) == ("keras", (5, 4))
    assert found.head == (2 if head else None)
    same_run(found, stack)


def test_keras_single_layer_float32():
    lstm = LSTM.random(3, 4, seed=7, dtype=np.float32)
    found = read_weights(npz(lstm.W.T, lstm.U.T, lstm.b))
    np.testing.assert_allclose(found.stack.layers[0].run(X).h, lstm.run(X).h, atol=1e-6)


# ---- bad files -----------------------------------------------------------------------------

def message(data, reason=None, **kw) -> str:
    with pytest.raises(UploadError) as err:
        read_weights(data, **kw)
    assert isinstance(err.value, ValueError)
    if reason is not None:  # the catalogue key the app shows above the detail
        assert err.value.reason == f"upload.err.{reason}"
    return str(err.value)


def test_truncated_zip():
    data = saved(STACK)
    assert "damaged or truncated" in message(data[:len(data) // 2], "damaged")


def test_random_bytes():
    data = np.random.default_rng(0).bytes(500)
    assert "not an .npz" in message(b"x" + data, "not_npz")


def test_npy_and_pickle():
    buf = io.BytesIO()
    np.save(buf, np.ones(3))
    assert "single .npy" in message(buf.getvalue(), "npy")
    import pickle

    assert "pickled" in message(pickle.dumps({"a": 1}), "pickle")


def test_zips_that_are_not_npz():
    import zipfile

    for member, reason in [("archive/data.pkl", "pickle"), ("config.json", "not_npz")]:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:  # like torch.save, or a .keras file
            z.writestr(member, b"\x80\x02}q\x00.")
        assert member in message(buf.getvalue(), reason) or reason == "pickle"


def test_object_array():
    data = npz(weight_ih_l0=np.array([{"a": 1}, None], dtype=object))
    assert "pickled" in message(data, "pickle")


def test_nan_weights():
    arrays = torch_dict(STACK)
    arrays["weight_hh_l1"] = arrays["weight_hh_l1"].copy()
    arrays["weight_hh_l1"][2, 1] = np.nan
    text = message(npz(**arrays), "nonfinite")
    assert "weight_hh_l1" in text and "NaN" in text and "(2, 1)" in text


def test_wrong_shapes_say_expected_and_got():
    arrays = torch_dict(STACK)
    arrays["weight_hh_l0"] = np.zeros((20, 4))
    text = message(npz(**arrays))
    assert "(4H, H) = (20, 5)" in text and "(20, 4)" in text
    k = keras_list(StackedLSTM(STACK.layers))
    assert "arr_1" in message(npz(k[0], k[1][:3], k[2]))


def test_inconsistent_layer_sizes():
    a, b = LSTM.random(3, 5), LSTM.random(4, 4)  # layer 2 reads 4, layer 1 gives 5
    text = message(npz(weight_ih_l0=a.W, weight_hh_l0=a.U, weight_ih_l1=b.W, weight_hh_l1=b.U))
    assert "layer 2 takes inputs of size 4" in text and "5 units" in text
    text = message(npz(a.W.T, a.U.T, a.b, b.W.T, b.U.T, b.b))
    assert "(5, 4H)" in text


def test_head_that_does_not_fit():
    arrays = torch_dict(STACK)
    arrays.update({"fc.weight": np.zeros((2, 7)), "fc.bias": np.zeros(2)})
    assert "(K, 4)" in message(npz(**arrays))


def test_reverse_direction():
    arrays = torch_dict(STACK)
    arrays.update({f"{k}_reverse": v for k, v in torch_dict(STACK).items()})
    assert "bidirectional" in message(npz(**arrays), "reverse")


def test_too_big():
    data = saved(STACK)
    text = message(data, "too_big", max_bytes=len(data) - 1)
    assert "over the limit" in text


def test_zip_bomb_is_refused():
    data = npz(arr_0=np.zeros((1000, 1000)))  # 8 MB of zeros, squeezed
    buf = io.BytesIO()
    np.savez_compressed(buf, arr_0=np.zeros((1000, 1000)))
    assert len(buf.getvalue()) < 1_000_000 < len(data)
    assert "unpacks to" in message(buf.getvalue(), max_bytes=1_000_000)


def test_the_core_sets_no_size_limit_of_its_own():
    # The upload limit is the app's (ui/upload.py); from Python a large file is read.
    buf = io.BytesIO()
    np.savez_compressed(buf, arr_0=np.zeros((1000, 1000)))
    with pytest.raises(UploadError) as err:
        read_weights(buf.getvalue())
    assert err.value.key == "upload.why.keras_start"  # read, then found to hold no LSTM
    big = StackedLSTM.random(300, (300,), seed=0)
    data = saved(big)
    assert len(data) > 5_000_000 and read_weights(data).layers == (300,)


def test_unrelated_keys_are_listed():
    text = message(npz(conv1=np.zeros((3, 3)), labels=np.array(["a", "b"])), "unknown")
    assert "conv1 (3, 3)" in text and "labels (2,)" in text and "weight_ih_l0" in text


def test_keras_arrays_that_are_not_lstm():
    text = message(npz(np.zeros((3, 5)), np.zeros(5)))
    assert "kernel (X, 4H)" in text and "arr_0 (3, 5)" in text


def test_found_is_frozen():
    found = read_weights(saved(STACK))
    with pytest.raises(AttributeError):
        found.convention = "keras"
    assert isinstance(found.stack.head, Dense)


def test_every_reason_and_detail_is_in_both_catalogues():
    import re

    from lstm_viz import upload
    from text.i18n import catalogue

    source = Path(upload.__file__).read_text()
    reasons = set(re.findall(r'"(upload\.(?:err|kind|why)\.[a-z_]+)"', source))
    assert len(reasons) >= 40
    for lang in ("en", "zh"):
        assert reasons <= set(catalogue(lang)), lang


def test_the_detail_is_said_in_each_language():
    with pytest.raises(UploadError) as err:
        read_weights(npz(weight_ih_l0=np.zeros((8, 3)), weight_hh_l0=np.zeros((8, 3))))
    assert err.value.key == "upload.why.shape"
    zh = tr(err.value.key, "zh", **err.value.values)
    assert str(err.value) == tr(err.value.key, "en", **err.value.values)
    assert "weight_hh_l0" in zh and "形状" in zh


def test_what_the_core_still_refuses_is_passed_on():
    # A token model file whose vocabulary is damaged: only the core knows its rules.
    model = TokenModel.load(Path(DEMO))
    buf = io.BytesIO()
    model.save(buf)
    arrays = dict(np.load(io.BytesIO(buf.getvalue()), allow_pickle=False))
    arrays["vocab"] = np.array(["a", "a"] + [f"t{n}" for n in range(len(arrays["vocab"]) - 2)])
    with pytest.raises(UploadError) as err:
        read_weights(npz(**arrays))
    assert err.value.key == "upload.why.core" and "more than once" in str(err.value)


def test_string_and_complex_weights_are_refused():
    for bad in (np.array(["a", "b"]), np.zeros(8, dtype=complex)):
        with pytest.raises(UploadError) as err:
            read_weights(npz(weight_ih_l0=bad, weight_hh_l0=np.zeros((8, 2))))
        assert err.value.key == "upload.why.dtype"
