"""ui/upload.py on pages/1_gates.py through AppTest (its file_uploader takes real bytes):
a good file becomes the "uploaded" model and runs; a bad one says why and loses nothing."""

import io
import pickle
from pathlib import Path

import numpy as np
from conftest import PAGES, assert_clean, decode, open_page, plotly_specs
from player_payload import player_data, player_elements
from player_payload import values as sent_values

from lstm_viz import LSTM, StackedLSTM
from lstm_viz.inputs import encode
from lstm_viz.upload import read_weights
from ui import keys, upload

DEMO = Path(__file__).resolve().parents[1] / "lstm_viz" / "demos" / "brackets.npz"
STACK = StackedLSTM.random(3, (5, 4), dense=2, seed=3)
SEQ = "1 0 2; 0 1 0; 1 1 1; 0.5 0 -1"  # 4 steps of 3 numbers


def torch_npz(stack: StackedLSTM) -> bytes:
    """The stack as a PyTorch state_dict saved with np.savez (b split in b_ih + b_hh)."""
    arrays = {}
    for k, layer in enumerate(stack.layers):
        arrays.update({f"lstm.weight_ih_l{k}": layer.W, f"lstm.weight_hh_l{k}": layer.U,
                       f"lstm.bias_ih_l{k}": layer.b / 2, f"lstm.bias_hh_l{k}": layer.b / 2})
    buf = io.BytesIO()
    np.savez(buf, **arrays, **{"fc.weight": stack.head.W, "fc.bias": stack.head.b})
    return buf.getvalue()


def put(at, data: bytes, name: str = "model.npz"):
    at.file_uploader(key=keys.UPLOAD_FILE).set_value((name, data, "application/octet-stream"))
    return at.run()


def plain(text: str) -> str:
    """Markdown-escaped text as the learner reads it."""
    return text.replace("\\", "")


def heatmaps(at) -> list[np.ndarray]:
    """The six quantities the gates page's player was sent, (T, H) each."""
    header, arrays = player_data(at)
    return [sent_values(header, arrays, name) for name in header["maps"]]


def shows(at, values: np.ndarray) -> bool:
    """Whether the player was sent ``values`` (T, H) (to the thousandths it shows)."""
    return any(v.size == values.size and np.allclose(v, values, atol=5e-4)
               for v in heatmaps(at))


def test_the_control_shows_both_export_snippets():
    at = open_page("gates")
    assert_clean(at)
    assert "Use your own model" in [e.label for e in at.expander]
    text = "\n".join(m.value for m in at.text)  # plain text in the code font, not st.code
    assert "model.state_dict()" in text and "layer.get_weights()" in text
    assert at.file_uploader(key=keys.UPLOAD_FILE).allowed_type == [".npz"]


def test_pytorch_upload_is_described_chosen_and_run():
    at = open_page("gates", seq=SEQ, mode="numbers")
    at = put(at, torch_npz(STACK))
    assert_clean(at)
    assert not at.error
    assert at.selectbox(key="model").value == "uploaded"
    found = plain("\n".join(s.value for s in at.success))
    assert "PyTorch state_dict" in found and "5 → 4" in found and "2 outputs" in found
    x = encode(SEQ, "numbers").x
    assert shows(at, STACK.layers[0].run(x).f)  # layer 1's forget gate, the same numbers
    at.selectbox(key="layer").set_value("2").run()
    assert_clean(at)
    assert shows(at, STACK.run(x).layers[1].f)


def test_keras_upload_of_the_wrong_input_size_suggests_numbers():
    lstm = LSTM.random(3, 4, seed=1)
    buf = io.BytesIO()
    np.savez(buf, lstm.W.T, lstm.U.T, lstm.b)
    at = open_page("gates", seq="one two", mode="words")
    at = put(at, buf.getvalue())
    assert_clean(at)
    assert "expects 3 numbers per time step" in plain(at.error[0].value)
    assert not player_elements(at)
    at.button[[b.label for b in at.button].index("Use this example")].click().run()
    assert_clean(at)
    assert not at.error
    assert at.text_area(key="seq").value == "1 0 0; 0 1 0; 0 0 1; 1 0 0"
    assert shows(at, lstm.run(encode("1 0 0; 0 1 0; 0 0 1; 1 0 0", "numbers").x).i)


def test_token_model_upload_reads_its_own_tokens():
    at = open_page("gates")
    at = put(at, DEMO.read_bytes())
    assert_clean(at)
    assert not at.error
    assert at.selectbox(key="model").value == "uploaded"
    assert player_elements(at), "the model read one of its examples"


def test_bad_files_say_why_and_keep_the_session():
    at = open_page("gates", seq=SEQ, mode="numbers")
    at = put(at, torch_npz(STACK))
    at.selectbox(key="model").set_value("random").run()
    at.number_input(key="units").set_value(6).run()
    before = heatmaps(at)
    nan = io.BytesIO()
    np.savez(nan, weight_ih_l0=np.full((8, 3), np.nan), weight_hh_l0=np.zeros((8, 2)))
    for data, words in [(b"not a zip at all", "not an .npz"),
                        (torch_npz(STACK)[:300], "damaged"),
                        (pickle.dumps({"w": 1}), "pickled"),
                        (nan.getvalue(), "NaN")]:
        at = put(at, data, "bad.npz")
        assert_clean(at)
        assert words in plain(at.error[0].value)
        assert (at.text_area(key="seq").value, at.number_input(key="units").value) == (SEQ, 6)
        assert at.selectbox(key="model").value == "random"
        assert "Your uploaded model" in at.selectbox(key="model").options  # it stays
        assert all(np.array_equal(a, b) for a, b in zip(heatmaps(at), before, strict=True))


def test_chinese_labels():
    at = open_page("gates", lang="zh")
    at = put(at, torch_npz(STACK))
    assert_clean(at)
    assert "使用你自己的模型" in [e.label for e in at.expander]
    assert "PyTorch 的 state_dict" in plain(at.success[0].value)


def test_a_found_put_in_the_session_runs_without_uploading():
    # The page reads only st.session_state[keys.UPLOADED_MODEL]: the same flow without a file.
    at = open_page("gates", seq=SEQ, mode="numbers")
    buf = io.BytesIO()
    STACK.save(buf)
    at.session_state[keys.UPLOADED_MODEL] = read_weights(buf.getvalue())
    at.run()  # now "uploaded" is offered
    at.selectbox(key="model").set_value("uploaded").run()
    assert_clean(at)
    assert shows(at, STACK.layers[0].run(encode(SEQ, "numbers").x).g)


def test_the_uploaded_stack_runs_on_the_stacked_page_too():
    at = open_page("stacked", seq=SEQ, mode="numbers")
    at = put(at, torch_npz(STACK))
    assert_clean(at)
    assert at.segmented_control(key="model").value == "uploaded"
    assert at.text_input(key="units").disabled  # the model decides its own sizes
    table = at.dataframe[0].value
    assert list(table.iloc[:, 2]) == ["[1, 5]", "[1, 4]"]  # h of each uploaded layer
    x = encode(SEQ, "numbers").x
    heat = [np.asarray(decode(tr["z"]), float).reshape(-1)
            for tr in plotly_specs(at)[1]["data"] if tr.get("type") == "heatmap"]
    for layer in STACK.run(x).layers:
        want = np.sort(layer.h.reshape(-1))
        assert any(h.size == want.size and np.allclose(np.sort(h), want, atol=1e-6) for h in heat)
    head = plotly_specs(at)[2]
    assert len([tr for tr in head["data"] if tr.get("type") == "scatter"]) >= 2  # 2 outputs


def test_the_upload_travels_between_pages():
    at = open_page("gates", seq=SEQ, mode="numbers")
    at = put(at, torch_npz(STACK))
    at.switch_page(PAGES["stacked"]).run()
    assert_clean(at)
    assert "Your uploaded model" in at.segmented_control(key="model").options
    at.switch_page(PAGES["gates"]).run()
    assert_clean(at)
    assert "Your uploaded model" in at.selectbox(key="model").options


def test_the_app_limit_is_the_servers():
    # Our own check says "too big" for files Streamlit's uploader (maxUploadSize MB) lets
    # through; it is the app's (ui/upload.py), not the core's.
    import re

    config = (Path(__file__).resolve().parents[1] / ".streamlit/config.toml").read_text()
    limit_mb = int(re.search(r"^maxUploadSize\s*=\s*(\d+)", config, re.M).group(1))
    assert upload.MAX_BYTES == limit_mb * 1_000_000
    assert upload.accept(b"PK" + bytes(upload.MAX_BYTES - 1)) == "upload.err.too_big"
