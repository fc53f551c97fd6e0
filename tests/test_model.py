"""Tests for lstm_viz/model.py: a token model, its vocabulary, runs and files."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from lstm_viz.cell import LSTM
from lstm_viz.model import FORMAT, ModelRun, TokenModel, UnknownTokens, softmax
from lstm_viz.stack import Dense, StackedLSTM

ZH_VOCAB = ["小明", "小红", "老师们", "他", "她", "他们", "是", "。", "😀", "👩‍👩‍👧", "a b"]


@pytest.fixture
def model():
    return TokenModel.random(list("abcde"), ["x", "y", "z"], embed_dim=3, units=(4, 2), seed=0,
                             meta={"task": "test", "seed": 0})


@pytest.fixture
def zh_model():
    return TokenModel.random(ZH_VOCAB, ZH_VOCAB, embed_dim=4, units=(5,), seed=1,
                             meta={"task": "代词", "accuracy": 0.985, "steps": 1200, "note": "😀"})


# ---- building ----------------------------------------------------------------------------


def test_random_model_shapes_and_seed(model):
    assert model.vocab == tuple("abcde") and model.labels == ("x", "y", "z")
    assert model.vocab_size == 5 and model.embed_dim == 3 and model.units == (4, 2)
    assert model.embedding.shape == (5, 3) and model.dtype == np.float64
    assert model.stack.head.W.shape == (3, 2)
    again = TokenModel.random(list("abcde"), ["x", "y", "z"], 3, (4, 2), seed=0)
    other = TokenModel.random(list("abcde"), ["x", "y", "z"], 3, (4, 2), seed=1)
    for name, p in model.params().items():
        assert_array_equal(p, again.params()[name])
    assert not np.array_equal(model.embedding, other.embedding)
    assert not np.array_equal(model.stack.layers[0].W, other.stack.layers[0].W)


def test_random_forget_bias_is_added_to_b_f_only():
    kw = dict(vocab=list("ab"), labels=list("ab"), embed_dim=2, units=(6,), seed=2)
    plain = TokenModel.random(**kw, forget_bias=0.0).stack.layers[0].b
    biased = TokenModel.random(**kw).stack.layers[0].b
    H = 6
    assert_allclose(biased[H:2 * H] - plain[H:2 * H], 1.0)
    assert_array_equal(np.delete(biased, np.s_[H:2 * H]), np.delete(plain, np.s_[H:2 * H]))
    assert np.abs(plain).max() <= 1 / np.sqrt(H)  # PyTorch's uniform(−1/√H, 1/√H)


def test_params_and_with_params(model):
    params = model.params()
    assert list(params) == ["embedding", "l0.W", "l0.U", "l0.b", "l1.W", "l1.U", "l1.b",
                            "head.W", "head.b"]
    assert params["l1.U"].shape == (8, 2) and params["head.b"].shape == (3,)
    changed = model.with_params({**params, "l1.b": params["l1.b"] + 1})
    assert_array_equal(changed.stack.layers[1].b, params["l1.b"] + 1)
    assert changed.vocab == model.vocab and dict(changed.meta) == dict(model.meta)
    with pytest.raises(ValueError, match="params lacks head.W"):
        model.with_params({k: v for k, v in params.items() if k != "head.W"})


def test_model_is_frozen_and_read_only(model):
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.vocab = ("q",)
    with pytest.raises(ValueError):
        model.embedding[0, 0] = 1.0
    with pytest.raises(TypeError):
        model.meta["task"] = "other"


def stack_for(E, K, H=3):
    return StackedLSTM((LSTM.random(E, H),), Dense.random(H, K))


@pytest.mark.parametrize(("kwargs", "match"), [
    (dict(vocab=("a", "b", "a")), "more than once: 'a'"),
    (dict(vocab=("a", "", "c")), "non-empty string"),
    (dict(vocab="abc"), "not one string"),
    (dict(vocab=()), "vocab is empty"),
    (dict(labels=("x", 3)), "non-empty string"),
    (dict(embedding=np.zeros((4, 2))), r"embedding must have shape \(V, E\)"),
    (dict(embedding=np.full((3, 2), np.nan)), "embedding contains NaN"),
    (dict(labels=("x", "y")), "the head gives 4 logits but there are 2 labels"),
    (dict(stack=StackedLSTM((LSTM.random(2, 3),))), "needs a dense head"),
    (dict(meta={"x": float("inf")}), "must be finite"),
    (dict(meta={"x": [1]}), "string or a number"),
    (dict(meta={1: "x"}), "keys must be strings"),
])
def test_constructor_checks(kwargs, match):
    base = dict(vocab=("a", "b", "c"), embedding=np.zeros((3, 2)), stack=stack_for(2, 4),
                labels=("w", "x", "y", "z"))
    with pytest.raises(ValueError, match=match):
        TokenModel(**{**base, **kwargs})


def test_meta_numbers_from_numpy_become_plain():
    m = TokenModel(("a",), np.zeros((1, 2)), stack_for(2, 1), ("a",),
                   meta={"n": np.int64(3), "acc": np.float32(0.5)})
    assert type(m.meta["n"]) is int and type(m.meta["acc"]) is float


# ---- tokens ------------------------------------------------------------------------------


def test_encode_and_decode(zh_model):
    ids = zh_model.encode(["小明", "是", "😀", "小明"])
    assert_array_equal(ids, [0, 6, 8, 0])
    assert ids.dtype.kind == "i"
    assert zh_model.decode(ids) == ["小明", "是", "😀", "小明"]


def test_unknown_tokens_are_named_with_the_allowed_vocabulary(zh_model):
    with pytest.raises(UnknownTokens) as info:
        zh_model.encode(["小明", "小刚", "是", "🐱", "小刚"])
    err = info.value
    assert isinstance(err, ValueError)
    assert err.tokens == ("小刚", "🐱")  # each once, in order
    assert err.vocab == tuple(ZH_VOCAB)
    message = str(err)
    assert "'小刚'" in message and "'🐱'" in message
    assert all(t in message for t in ZH_VOCAB)
    assert "'小明'" not in message  # known tokens are not blamed


def test_a_long_vocabulary_is_shortened_in_the_message():
    err = UnknownTokens(["?"], [f"w{k}" for k in range(100)])
    assert "w59" in str(err) and "w60" not in str(err) and "100 in all" in str(err)
    assert err.tokens == ("?",)


def test_encode_refuses_a_plain_string(model):
    with pytest.raises(ValueError, match="split the text first"):
        model.encode("abc")


# ---- running -----------------------------------------------------------------------------


def test_run_gives_trace_logits_and_probabilities(model):
    out = model.run(["a", "c", "c", "e"])
    assert isinstance(out, ModelRun)
    assert_array_equal(out.ids, [0, 2, 2, 4])
    assert [t.h.shape for t in out.trace.layers] == [(4, 4), (4, 2)]  # one sequence: (T, H)
    assert_array_equal(out.trace.layers[0].x, model.embedding[[0, 2, 2, 4]])
    assert out.logits is out.trace.y and out.logits.shape == (4, 3)
    want = np.exp(out.logits) / np.exp(out.logits).sum(axis=1, keepdims=True)
    assert_allclose(out.probs, want, rtol=1e-14)
    assert_allclose(out.probs.sum(axis=1), 1.0, rtol=1e-15)
    for a in (out.ids, out.logits, out.probs):
        assert not a.flags.writeable
    by_ids = model.run(np.array([0, 2, 2, 4]))
    assert_array_equal(by_ids.probs, out.probs)
    assert_array_equal(model.run([0, 2, 2, 4]).probs, out.probs)


def test_run_matches_the_stack_it_holds(model):
    x = model.embedding[[1, 3, 0]]
    assert_allclose(model.run(["b", "d", "a"]).logits, model.stack.run(x).y, rtol=0, atol=0)


def test_run_is_stable_for_huge_logits(model):
    params = model.params()
    loud = model.with_params({**params, "head.W": params["head.W"] * 1e4})
    probs = loud.run(["a", "b"]).probs  # RuntimeWarnings are errors in this test suite
    assert np.isfinite(probs).all()
    assert_allclose(probs.sum(axis=1), 1.0)


def test_softmax_is_stable():
    p = softmax(np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]]))
    assert_allclose(p, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]])


@pytest.mark.parametrize(("tokens", "match"), [
    (np.array([0, 5]), r"0 … 4"),
    ([-1, 2], r"0 … 4"),
    ([], "non-empty"),
    (np.zeros((2, 2), dtype=int), r"shape \(T,\)"),
    (["a", "zz"], "not in the model's vocabulary: 'zz'"),
])
def test_run_refuses_bad_input(model, tokens, match):
    with pytest.raises(ValueError, match=match):
        model.run(tokens)


# ---- files -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_save_load_round_trip_with_chinese_and_emoji(tmp_path, dtype):
    model = TokenModel.random(ZH_VOCAB, ["他", "她", "他们"], embed_dim=4, units=(5, 3), seed=1,
                              dtype=dtype, meta={"task": "代词", "accuracy": 0.985, "n": 12})
    path = tmp_path / "模型.npz"
    model.save(path)
    loaded = TokenModel.load(path)
    assert loaded.vocab == tuple(ZH_VOCAB) and loaded.labels == ("他", "她", "他们")
    assert dict(loaded.meta) == {"task": "代词", "accuracy": 0.985, "n": 12}
    assert loaded.dtype == dtype
    for name, p in model.params().items():
        assert_array_equal(loaded.params()[name], p, err_msg=name)
        assert loaded.params()[name].dtype == dtype
    tokens = ["小明", "😀", "👩‍👩‍👧", "a b", "她"]
    assert_array_equal(loaded.run(tokens).probs, model.run(tokens).probs)


def test_the_file_holds_plain_arrays_only(tmp_path, zh_model):
    zh_model.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    assert str(arrays["format"]) == FORMAT
    assert arrays["vocab"].dtype.kind == "U" and list(arrays["vocab"]) == ZH_VOCAB
    assert json.loads(str(arrays["meta"]))["task"] == "代词"
    assert {"embedding", "l0.W", "l0.U", "l0.b", "head.W", "head.b"} <= set(arrays)
    assert all(a.dtype != object for a in arrays.values())


def tampered(tmp_path, model, **changes):
    """Save ``model``, then rewrite the file with arrays changed (None removes one)."""
    path = tmp_path / "m.npz"
    model.save(path)
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    for name, value in changes.items():
        name = name.replace("__", ".")
        if value is None:
            del arrays[name]
        else:
            arrays[name] = value
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(("changes", "match"), [
    (dict(format=None), "the file has no format"),
    (dict(vocab=None), "the file has no vocab"),
    (dict(meta=None), "the file has no meta"),
    (dict(embedding=None), "the file has no embedding"),
    (dict(head__W=None), "the file has no head.W"),
    (dict(l0__W=None), "the file has no l0.W"),
    (dict(l1__U=None), "layer 1 of the file lacks one of l1.W, l1.U, l1.b"),
    (dict(format=np.array("lstm-viz/token-model-v9")), "not a token model file"),
    (dict(format=np.array([1, 2])), "not a token model file"),
    (dict(vocab=np.array([1, 2, 3, 4, 5])), "vocab in the file must be a 1-D array of unicode"),
    (dict(vocab=np.array([b"a", b"b", b"c", b"d", b"e"])), "unicode strings"),
    (dict(labels=np.array("xyz")), "labels in the file must be a 1-D array"),
    (dict(vocab=np.array(list("abcd"))), r"embedding must have shape \(V, E\)"),
    (dict(vocab=np.array(list("abcda"))), "more than once"),
    (dict(meta=np.array("{not json")), "meta in the file is not valid JSON"),
    (dict(meta=np.array("[1, 2]")), "must be a JSON object"),
    (dict(meta=np.array(['{"a": 1}'])), "meta in the file must be one JSON string"),
    (dict(embedding=np.full((5, 3), np.nan)), "embedding contains NaN"),
    (dict(embedding=np.zeros((5, 3), dtype=np.complex128)), "float32 or float64"),
    (dict(l0__U=np.zeros((16, 3))), r"U must have shape \(4H, H\)"),
    (dict(head__W=np.zeros((4, 2)), head__b=np.zeros(4)), "head gives 4 logits but there are 3"),
    (dict(head__b=np.zeros(4)), r"dense b must have shape \(K,\)"),
])
def test_load_refuses_malformed_files(tmp_path, model, changes, match):
    path = tampered(tmp_path, model, **changes)
    with pytest.raises(ValueError, match=match):
        TokenModel.load(path)


def test_load_refuses_a_stack_file_pickles_and_junk(tmp_path, model):
    model.stack.save(tmp_path / "stack.npz")
    with pytest.raises(ValueError, match="StackedLSTM without vocabulary"):
        TokenModel.load(tmp_path / "stack.npz")
    np.savez(tmp_path / "pickled.npz", format=np.array(FORMAT),
             vocab=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickled Python objects"):
        TokenModel.load(tmp_path / "pickled.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip file at all")
    with pytest.raises(ValueError, match="not a readable .npz"):
        TokenModel.load(tmp_path / "junk.npz")


def test_docstring_examples():
    import doctest

    import lstm_viz.model

    result = doctest.testmod(lstm_viz.model, verbose=False)
    assert result.attempted > 0 and result.failed == 0
