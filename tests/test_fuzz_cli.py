"""Arbitrary input to the two ways into the core from outside the app (issue 7).

- ``python -m cli`` with any argv: status 0 (and nothing on stderr), or status 2 and
  exactly one line on stderr; never a traceback.
- ``LSTM.load``, ``StackedLSTM.load``, ``TokenModel.load`` and the upload reader with any
  bytes, cut or damaged files and ``.npz`` files of odd arrays: a model or a ValueError
  with a short message, nothing else, and nothing ever unpickled.
"""

import contextlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cli import main
from lstm_viz import LSTM, StackedLSTM
from lstm_viz.model import TokenModel
from lstm_viz.upload import UploadError, read_weights

REPO = Path(__file__).resolve().parents[1]

# ---- the command line ---------------------------------------------------------------------

WORDS = ["params", "--input", "--units", "--dense", "--convention", "--bidirectional",
         "--proj-size", "--json", "--lang", "zh", "en", "keras", "pytorch", "article", "--",
         "-", "--input=5", "--units=8", "--lang=zh", "--lang=fr", "-x", "--inp", "@args",
         "5", "8", "128", "0", "-1", "1.5", "1e308", "nan", "inf", "1000000", "1000001",
         "9" * 5000, "１２", "٣", "1_0", " 7 ", "", "\x00", "\n", "中文", "😀", "<script>"]
ARG = st.one_of(st.sampled_from(WORDS), st.text(st.characters(blacklist_categories=("Cs",)),
                                                max_size=12),
                st.integers(-10**7, 10**7).map(str))


def run_main(argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


def assert_one_line_error(status, out, err):
    assert status == 2, (status, out, err)
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(("error: ", "错误：")), err


@settings(max_examples=300, deadline=None)
@given(argv=st.lists(ARG, max_size=10))
@example(argv=["params", "--input", "5", "--units", "128", "64", "--dense", "1"])
@example(argv=["params", "--input", "x", "--units", "8"])
@example(argv=["params", "--input", "5", "--units", "8", "--proj-size", "4"])
@example(argv=["params", "--lang", "zh", "--input", "5"])
@example(argv=["params", "--input", "9" * 5000, "--units", "8"])
@example(argv=[])
def test_any_argv_exits_cleanly(argv):
    status, out, err = run_main(argv)
    if status == 0:
        assert err == "" and out.strip(), (argv, err)
    else:
        assert_one_line_error(status, out, err)


@pytest.mark.parametrize("argv", [
    ["params", "--input", "5"],                      # --units missing
    ["params", "--input", "5", "--units", "8", "--lang", "fr"],
    ["params", "--input", "5", "--units", "0"],      # a ValueError of count_params
    ["nonsense"],
    [],
])
def test_a_bad_argument_is_one_line(argv):
    assert_one_line_error(*run_main(argv))


@pytest.mark.parametrize("argv", [["--help"], ["params", "-h"],
                                  ["params", "--help", "--lang", "zh"]])
def test_help_still_prints_usage(argv):
    status, out, err = run_main(argv)
    assert (status, err) == (0, "")
    assert "python -m cli" in out and len(out.splitlines()) > 3


def _python_m(*argv):
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "ascii"}
    return subprocess.run([sys.executable, "-m", "cli", *argv], capture_output=True,
                          env=env, cwd=REPO, timeout=60)


def test_a_real_run_with_undecodable_bytes_is_one_line():
    """Bytes that are not UTF-8 (a surrogate-escaped argv) on an ASCII terminal."""
    done = _python_m(b"params", b"--input", b"\xff\xfe", b"--units", "中".encode())
    err = done.stderr.decode("ascii", "replace")
    assert done.returncode == 2 and done.stdout == b""
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err


def test_a_real_run_prints_the_table():
    done = _python_m("params", "--input", "5", "--units", "128", "64", "32", "8", "--dense", "1")
    assert (done.returncode, done.stderr) == (0, b"")
    assert b"Total params: 131,753" in done.stdout


# ---- weight files -------------------------------------------------------------------------


def _saved(model) -> bytes:
    buf = io.BytesIO()
    model.save(buf)
    return buf.getvalue()


VALID = {
    "lstm": _saved(LSTM.random(3, 2, seed=1)),
    "stack": _saved(StackedLSTM.random(3, [4, 2], dense=2, seed=2)),
    "token": _saved(TokenModel.random(("a", "b", "."), ("x", "y"), embed_dim=3, units=(2,),
                                      seed=3, meta={"task": "none", "steps": 3})),
}
LOADERS = {"LSTM.load": LSTM.load, "StackedLSTM.load": StackedLSTM.load,
           "TokenModel.load": TokenModel.load}


def _never_unpickled(*args, **kwargs):
    raise AssertionError("a weights file was unpickled")


def assert_loads_or_refuses(data: bytes) -> None:
    """Every loader (and the upload reader) gives a model or a short ValueError."""
    with mock.patch("pickle.load", _never_unpickled), mock.patch("pickle.loads", _never_unpickled):
        for name, load in LOADERS.items():
            try:
                load(io.BytesIO(data))
            except ValueError as err:
                message = str(err)
                assert message and len(message) < 1000 and "\n" not in message, (name, message)
        try:
            read_weights(data)
        except UploadError as err:
            assert str(err), "read_weights"


def test_valid_files_load_from_a_file_object():
    """The loaders read a file object once (they used to read it twice and fail)."""
    assert LSTM.load(io.BytesIO(VALID["lstm"])).hidden_size == 2
    assert StackedLSTM.load(io.BytesIO(VALID["stack"])).units == (4, 2)
    assert StackedLSTM.load(io.BytesIO(VALID["lstm"])).units == (2,)
    assert TokenModel.load(io.BytesIO(VALID["token"])).vocab == ("a", "b", ".")


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=2000))
@example(data=b"")
@example(data=b"PK\x03\x04")
@example(data=b"\x93NUMPY\x01\x00")
@example(data=b"\x80\x04K\x01.")
def test_any_bytes(data):
    assert_loads_or_refuses(data)


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(sorted(VALID)), cut=st.floats(0, 1))
def test_cut_files(kind, cut):
    data = VALID[kind]
    assert_loads_or_refuses(data[:int(cut * len(data))])


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(sorted(VALID)), compressed=st.booleans(),
       flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=4))
def test_damaged_files(kind, compressed, flips):
    """Bytes changed anywhere: headers, zip directory, .npy headers, deflate streams."""
    data = bytearray(_recompressed(VALID[kind]) if compressed else VALID[kind])
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    assert_loads_or_refuses(bytes(data))


def _recompressed(data: bytes) -> bytes:
    buf = io.BytesIO()
    np.savez_compressed(buf, **dict(np.load(io.BytesIO(data))))
    return buf.getvalue()


KEYS = ["W", "U", "b", "format", "vocab", "labels", "meta", "embedding", "l0.W", "l0.U",
        "l0.b", "l1.W", "l1.U", "l1.b", "head.W", "head.b", "arr_0", "weight_ih_l0"]
DTYPES = st.sampled_from(["f8", "f4", "f2", "i8", "u1", "?", "c16", "U3", "S2", "M8[s]", "i4"])
ARRAYS = hnp.arrays(DTYPES, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=9))
ODD_STRINGS = ["lstm-viz/token-model/1", "lstm-viz/stacked-lstm/1", "{}", '{"a": NaN}',
               "[" * 5000, '{"a": ' + "9" * 5000 + "}"]  # deep JSON, a 5000-digit integer
STRINGS = st.one_of(st.integers(0, len(ODD_STRINGS) - 1).map(ODD_STRINGS.__getitem__),
                    st.text(max_size=20)).map(np.array)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(VALID)),
       changes=st.dictionaries(st.sampled_from(KEYS), st.one_of(ARRAYS, STRINGS), max_size=4),
       dropped=st.lists(st.sampled_from(KEYS), max_size=3))
def test_odd_arrays(kind, changes, dropped):
    """A saved file with arrays replaced, added or left out: wrong shapes, dtypes, NaN."""
    arrays = {k: v for k, v in np.load(io.BytesIO(VALID[kind])).items() if k not in dropped}
    arrays.update(changes)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    assert_loads_or_refuses(buf.getvalue())


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _npy_header(descr: str, shape) -> bytes:
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape!r}, }}"
    header += " " * ((64 - (len(header) + 11) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode()


def _pickled_npz() -> bytes:
    buf = io.BytesIO()
    np.savez(buf, W=np.array([1, None], dtype=object), U=np.ones((8, 2)), b=np.ones(8))
    return buf.getvalue()


@pytest.mark.parametrize("data", [
    _pickled_npz(),                                                         # object array
    _zip({"W.npy": _npy_header("|O", (2,)) + b"\x80\x04K\x01."}),          # pickle inside
    _zip({"W.npy": _npy_header("<f8", (10**11,))}),                         # 745 GiB header
    _zip({"format": b"x", "W": b"y", "vocab": b"z"}),                       # not .npy members
    _zip({"archive/data.pkl": b"\x80\x04K\x01."}),                          # torch.save
    _zip({"W.npy": b"garbage"}),
    VALID["lstm"][:-1],
], ids=["object", "pickle", "huge", "raw", "torch", "garbage", "cut"])
def test_refused_files(data):
    for name, load in LOADERS.items():
        with pytest.raises(ValueError) as err:
            load(io.BytesIO(data))
        assert str(err.value) and "\n" not in str(err.value), name
    assert_loads_or_refuses(data)
