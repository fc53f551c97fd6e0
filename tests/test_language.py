"""Every page in both languages: no English label on a Chinese page (formulas and names
aside), no Chinese on an English page (the language picker and the learner's text aside),
and the language taken from the browser's locale on a first visit."""

import json
import re

import pytest
from conftest import PAGES, ROOT, assert_clean
from google.protobuf.message import Message

from text.i18n import LANG_NAMES, tr
from ui import keys
from ui.upload import KERAS_SNIPPET, PYTORCH_SNIPPET

SCRIPTS = PAGES  # every page of ui.nav

# Words a Chinese page may show in Latin letters: names, code names, formulas. One-letter
# symbols (x, h, C, W, σ …) and subscripted ones (W_f, b_ih) are allowed by shape, below.
NAMES = {  # of things, people and file formats
    "LSTM", "RNN", "GRU", "Keras", "TensorFlow", "PyTorch", "cuDNN", "ONNX", "NumPy", "Adam",
    "Karpathy", "Johnson", "Fei", "Colah", "Viz", "Dense", "Linear", "Sequential", "CSV",
    "HTML", "PNG", "MB", "npz", "npy", "zip", "pickle", "NaN", "inf", "tanh", "sigmoid", "Python",
    "Home", "End",  # keys, named as printed on the keyboard (the gates player)
}
CODE_NAMES = {  # tensor and argument names the app shows as they are spelled in code
    "batch", "time_step", "num_units", "units", "kernel", "recurrent_kernel", "bias", "weight",
    "weight_ih", "weight_hh", "bias_ih", "bias_hh", "nn", "state_dict", "get_weights",
    "np", "savez", "torch", "proj_size",
}
ALLOWED = NAMES | CODE_NAMES
SYMBOL = re.compile(r"^[A-Za-z](?:_[A-Za-z0-9]{1,3}|[0-9]*)$")  # x, h, W_f, b_ih, x1
TENSOR = re.compile(r"^(?:weight|bias)_(?:ih|hh|hr)_l\d+(?:_reverse)?$")  # PyTorch's names
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
HAN = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")

# Proto fields a learner reads (ids, keys, icons and formats are not shown as words).
SHOWN = {"body", "label", "help", "options", "content", "placeholder", "text", "value_label"}


def open_page(page: str, locale: str | None = None, **query):
    """A learner arriving at ``page`` with ``?query`` and a browser in ``locale`` (Streamlit
    1.67 on; the ``in_locale`` fixture below gives a locale on any version)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if locale:
        at.context["locale"] = locale
    for key, value in query.items():
        at.query_params[key] = str(value)
    if SCRIPTS[page]:
        at.switch_page(SCRIPTS[page])
    return at.run()


# ---- what the learner sees ---------------------------------------------------------------

def _proto_strings(msg: Message, out: list[str]) -> None:
    for field, value in msg.ListFields():
        repeated = not isinstance(value, (str, bytes, Message)) and hasattr(value, "__len__")
        values = list(value) if repeated else [value]
        for v in values:
            if isinstance(v, Message):
                _proto_strings(v, out)
            elif isinstance(v, str) and field.name in SHOWN:
                out.append(v)


def _elements(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _elements(child)


def _figure_strings(spec: dict, out: list[str]) -> None:
    """The text of a Plotly figure a learner can read: titles, axes, annotations, legend,
    ticks, colour bars, buttons and slider labels (in every animation frame too)."""
    def layout_text(layout):
        out.append(_title(layout.get("title")))
        for name, axis in layout.items():
            if re.match(r"^[xy]axis\d*$|^coloraxis\d*$", name) and isinstance(axis, dict):
                out.append(_title(axis.get("title")))
                out.extend(str(v) for v in axis.get("ticktext", []) or [])
                out.append(_title((axis.get("colorbar") or {}).get("title")))
        out.extend(str(a.get("text", "")) for a in layout.get("annotations", []) or [])
        for menu in layout.get("updatemenus", []) or []:
            out.extend(str(b.get("label", "")) for b in menu.get("buttons", []) or [])
        for slider in layout.get("sliders", []) or []:
            out.append(str((slider.get("currentvalue") or {}).get("prefix", "")))
            out.extend(str(s.get("label", "")) for s in slider.get("steps", []) or [])
        out.append(_title((layout.get("legend") or {}).get("title")))

    legend = spec.get("layout", {}).get("showlegend", True) is not False

    def trace_text(trace):
        hover = str(trace.get("hovertemplate", ""))
        out.append(re.sub(r"%\{[^}]*\}|<extra>.*?</extra>", " ", hover))
        named_in_hover = hover and "<extra></extra>" not in hover and trace.get(
            "hoverinfo") not in ("skip", "none")
        if (legend and trace.get("showlegend", True) is not False) or named_in_hover:
            out.append(str(trace.get("name", "")))
        out.append(_title((trace.get("colorbar") or {}).get("title")))
        out.append(str((trace.get("legendgrouptitle") or {}).get("text", "")))
        if trace.get("type") == "table":
            out.extend(str(v) for v in (trace.get("header") or {}).get("values", []))

    layout_text(spec.get("layout", {}))
    for trace in spec.get("data", []):
        trace_text(trace)
    for frame in spec.get("frames", []) or []:
        layout_text(frame.get("layout", {}))
        for trace in frame.get("data", []):
            trace_text(trace)


def _player_strings(blob: bytes, out: list[str]) -> None:
    """The gates player's labels and figure (ui/player.py), with its placeholders filled."""
    from ui.player import read_payload

    header, _ = read_payload(blob)
    _figure_strings(header["diagram"], out)
    _figure_strings(header["maps_figure"], out)
    maps = header["maps_figure"]  # its names, title and cells' hover, written by the player
    labels = maps["layout"]["meta"]
    out.extend(name["text"] for name in labels["names"])  # the title: header["maps_title"]
    hovers = maps["data"][0]["meta"]["hover"]
    out.extend(hover.format(step=1, unit=1, value="0") for hover in hovers)
    fields = {"unit": 1, "step": 1, "steps": 1, "units": 1, "token": "", "f": "0", "i": "0",
              "g": "0", "o": "0", "c": "0", "h": "0"}
    out.extend(text.format(**fields) for text in [*header["text"].values(), header["title"],
                                                   header["maps_title"]])


def _arith_strings(blob: bytes, out: list[str]) -> None:
    """The step arithmetic's headings, notes and sentences (ui/arith.py), placeholders filled;
    its six lines are formulas, the same in every language."""
    from ui.player import read_payload

    header, _ = read_payload(blob)
    fields = {"unit": 1, "step": 1, "f": "0", "i": "0", "g": "0", "o": "0", "tc": "0",
              "c_prev": "0", "c": "0"}
    says = [t for levels in header["says"].values() for t in levels.values()]
    out.extend(text.format(**fields) for text in [*header["text"].values(), *says,
                                                   header["change"]])


def _title(title) -> str:
    if isinstance(title, dict):
        return str(title.get("text", ""))
    return "" if title is None else str(title)


CODE_TEXTS = {PYTORCH_SNIPPET, KERAS_SNIPPET}  # Python to copy, the same in every language


def shown_text(at) -> list[str]:
    """Every string on the page a learner can read, code blocks (st.code, and the export
    snippets shown as plain text in the code font), style sheets and link addresses left
    out."""
    out: list[str] = []
    for node in _elements(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or type(proto).__name__ == "Code":
            continue
        if type(proto).__name__ == "Text" and proto.body in CODE_TEXTS:
            continue
        if type(proto).__name__ == "Html" and proto.body.lstrip().startswith("<style"):
            continue  # a constant style sheet (st.html), not text a learner reads
        if type(proto).__name__ == "PlotlyChart":
            _figure_strings(json.loads(proto.spec), out)
        elif type(proto).__name__ == "BidiComponent" and proto.bytes:  # the gates player
            if proto.component_name == "lstm_viz.arith":  # and its step's arithmetic
                _arith_strings(proto.bytes, out)
            else:
                _player_strings(proto.bytes, out)
        else:
            _proto_strings(proto, out)
    for frame in at.dataframe:
        out.extend(str(c) for c in frame.value.columns)
        out.extend(str(v) for v in frame.value.to_numpy().ravel() if isinstance(v, str))
    return [text for text in out if text]


def learner_text(at) -> str:
    """What the learner typed or picked as a sequence (its words are theirs, not ours)."""
    boxes = [*at.text_area, *at.text_input]
    return " ".join(str(box.value or "") for box in boxes)


_CODE = re.compile(r"```.*?```|`[^`]*`", re.S)
_MARKUP = re.compile(r"<[^>]+>|:material/[a-z_]+:|https?://\S+|\?[a-z_]+=\S*|\b[a-z_]+=\S+"
                     r"|\\[A-Za-z]+|:[a-z]+\[|&[a-z]+;"
                     r"|\b[A-Za-z_][\w.]*\([^()]*\)"  # tags, icons, links, code calls
                     r"|\b[A-Za-z_]\w*(?:\.\w+)+|(?<!\w)_[a-z]+|\barr_\d+")  # a.b, _x, arr_0


def english_words(text: str, own: set[str]) -> list[str]:
    """The words in ``text`` that are English, not a name, symbol, code or the learner's."""
    text = re.sub(r"\\([^A-Za-z0-9\s])", r"\1", text)  # Markdown escapes: state\_dict
    text = _MARKUP.sub(" ", _CODE.sub(" ", text))
    return [w for w in WORD.findall(text)
            if not SYMBOL.match(w) and not TENSOR.match(w) and w not in ALLOWED
            and w.lower() not in own and not _is_demo_text(w)]


def _is_demo_text(word: str) -> bool:
    """A word of a demo's own tokens: the English story's (John, the queen …), which Chinese
    texts quote, or a run of a symbol task's letters (the brackets task's ``aab``)."""
    from lstm_viz.tasks import TASKS

    for task in TASKS.values():
        if task.segment == "words" and word.lower() in {v.lower() for v in task.vocab}:
            return True
        if task.segment == "chars" and set(word) <= set(task.vocab):
            return True
    return False


PICKER = {"Language · 语言", *LANG_NAMES.values()}  # the language picker speaks both


def leaks(at, cut: str | None = None, quoted: str = "") -> dict[str, list[str]]:
    """The English words of each text on the page (each text up to ``cut``, if given), but
    for the learner's own and those ``quoted`` from their file."""
    own = {w.lower() for w in WORD.findall(learner_text(at) + " " + quoted)}
    own |= {w[:k] for w in own for k in range(3, len(w))}  # a long token cut short on an axis
    found = {}
    for text in shown_text(at):
        words = english_words(text.split(cut)[0] if cut else text, own)
        if words and text not in PICKER:
            found[text[:80]] = words
    return found


def _ids(value) -> str:
    return "-".join(map(str, value.values()))[:30] if isinstance(value, dict) else value


# ---- Chinese pages show Chinese ------------------------------------------------------------

VIEWS = [  # (page, query): every page, and the states that bring other text on screen
    ("home", {}),
    ("gates", {}),
    ("gates", {"mode": "numbers", "seq": "0, 0.5, 1"}),
    ("gates", {"model": "pronoun-zh"}),
    ("gates", {"model": "pronoun-zh", "seq": "小明在公园见到了小红，他很高兴。"}),
    ("gates", {"model": "pronoun-en", "seq": "John met Mary and he is happy ."}),
    ("gates", {"model": "brackets", "seq": "(()())"}),
    ("gates", {"mode": "numbers", "seq": "1, x"}),
    ("gates", {"mode": "chars", "seq": "hello", "step": 3, "unit": 2}),
    ("stacked", {}),
    ("stacked", {"units": "8, x"}),
    ("params", {}),
    ("params", {"convention": "pytorch", "bidirectional": "True"}),
    ("params", {"units": "0"}),
    ("memory", {}),
    ("memory", {"demo": "pronoun-zh"}),
    ("train", {}),
    ("why", {}),
    ("why", {"model": "pronoun-en"}),
    ("why", {"surgery": "knockout", "who": "all", "when": "from"}),
]
if (ROOT / "pages" / "7_lessons.py").exists():  # every step of every guided lesson
    from ui.lessons import PARTS

    VIEWS += [("lessons", {"part": p, "step": s}) for p, part in enumerate(PARTS, 1)
              for s in range(1, len(part.steps) + 1)]


@pytest.mark.parametrize("page, query", VIEWS, ids=_ids)
def test_chinese_page_has_no_english_label(page, query):
    at = open_page(page, lang="zh", **query)
    assert_clean(at)
    assert at.title[0].value and HAN.search(at.title[0].value)
    assert not leaks(at)


def test_the_token_vectors_table_speaks_chinese_once_opened():
    """/gates draws its vocabulary table only while its expander is open (ui/step_detail.py):
    the views above never show it, so it is opened here."""
    at = open_page("gates", lang="zh", model="pronoun-zh")
    at.session_state[keys.EMBEDDING] = True
    at.run()
    assert_clean(at)
    assert at.dataframe and tr("word.token", "zh") in at.dataframe[0].value.columns
    assert not leaks(at)


def test_english_words_are_found():
    # The check itself: an English label is caught, names, symbols and the learner's text are not.
    assert english_words("遗忘门 forget gate", set()) == ["forget", "gate"]
    assert english_words("LSTM 的 W_f、b_ih 与 tanh(C)，单元数（num_units）", set()) == []
    assert english_words("词元: the cat", {"the", "cat"}) == []
    assert english_words("`model.state_dict()` 与 <b>h</b>，np.load(file) 读取", set()) == []
    assert english_words("（John、the queen）", set()) == []  # the English demo's words


def test_the_check_reads_widgets_and_figures():
    texts = shown_text(open_page("gates", lang="zh", model="random"))  # with its examples
    for shown in (tr("gates.seq.help", "zh"), tr("gates.ex.wave", "zh"), tr("mode.chars", "zh"),
                  tr("fig.gates.title", "zh", unit=1), tr("gate.f", "zh"), "▶ 播放"):
        assert shown in texts, shown


def test_chinese_after_training():
    # What a finished run shows: the success message, the metrics, the curve, the link onward.
    # Settings of its own: a run with the same ones in another test would come from the cache.
    at = open_page("train", lang="zh", task="first-symbol", units=5, steps=20, seed=9199)
    at.button(key="train").click().run()
    assert_clean(at)
    assert at.success and HAN.search(at.success[0].value)
    assert not leaks(at)
    at.switch_page(SCRIPTS["gates"]).run()  # the trained model, on the gates page
    at.selectbox(key="model").set_value("trained").run()
    assert_clean(at)
    assert not leaks(at)


def test_chinese_after_an_upload():
    # A good file is described, a bad one is refused: both in Chinese.
    import io

    import numpy as np

    from lstm_viz import StackedLSTM
    from text.i18n import tr

    stack = StackedLSTM.random(3, (4,), seed=3)
    layer = stack.layers[0]
    good, bad = io.BytesIO(), io.BytesIO()
    np.savez(good, weight_ih_l0=layer.W, weight_hh_l0=layer.U, bias_ih_l0=layer.b / 2,
             bias_hh_l0=layer.b / 2)
    np.savez(bad, weight_ih_l0=np.full((8, 3), np.nan), weight_hh_l0=np.zeros((8, 2)))
    at = open_page("gates", lang="zh", seq="1 0 2; 0 1 0", mode="numbers")
    details = tr("upload.detail", "zh", detail="")  # the core's diagnosis after it: see below
    for data in (good.getvalue(), b"not a zip at all", bad.getvalue()):
        at.file_uploader(key=keys.UPLOAD_FILE).set_value(
            ("m.npz", data, "application/octet-stream"))
        at.run()
        assert_clean(at)
        assert not leaks(at, cut=details)
    assert at.error and HAN.search(at.error[0].value)


def _bad_weight_files() -> dict[str, bytes]:
    """One file for each way an upload can be refused (see tests/test_upload.py)."""
    import io
    import pickle
    import zipfile

    import numpy as np

    from lstm_viz import LSTM, StackedLSTM

    def npz(*args, **arrays) -> bytes:
        buf = io.BytesIO()
        np.savez(buf, *args, **arrays)
        return buf.getvalue()

    def zipped(member: str) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(member, b"\x80\x02}q\x00.")
        return buf.getvalue()

    a, b = LSTM.random(3, 5), LSTM.random(4, 4)  # b reads 4 numbers; a gives 5
    torch = {"weight_ih_l0": a.W, "weight_hh_l0": a.U, "bias_ih_l0": a.b, "bias_hh_l0": a.b}
    buf = io.BytesIO()
    StackedLSTM((a,)).save(buf)
    own = buf.getvalue()
    buf = io.BytesIO()
    np.save(buf, np.ones(3))
    return {
        "random bytes": b"not a zip at all",
        "truncated": own[:len(own) // 2],
        "npy": buf.getvalue(),
        "pickle": pickle.dumps({"a": 1}),
        "torch.save": zipped("archive/data.pkl"),
        "other zip": zipped("config.json"),
        "empty npz": npz(),
        "object array": npz(weight_ih_l0=np.array([{"a": 1}, None], dtype=object)),
        "text array": npz(weight_ih_l0=np.array(["a", "b"])),
        "nan": npz(**{**torch, "weight_hh_l0": np.full((20, 5), np.nan)}),
        "wrong U": npz(**{**torch, "weight_hh_l0": np.zeros((20, 4))}),
        "wrong W": npz(**{**torch, "weight_ih_l0": np.zeros((7, 3))}),
        "layers": npz(**torch, weight_ih_l1=b.W, weight_hh_l1=b.U),
        "no U": npz(weight_ih_l0=a.W),
        "head": npz(**torch, **{"fc.weight": np.zeros((2, 7)), "fc.bias": np.zeros(2)}),
        "heads": npz(**torch, **{"fc.weight": np.zeros((2, 5)), "fc.bias": np.zeros(2),
                                 "out.weight": np.zeros((2, 5)), "out.bias": np.zeros(2)}),
        "reverse": npz(**torch, **{k + "_reverse": v for k, v in torch.items()}),
        "projection": npz(**torch, weight_hr_l0=np.zeros((2, 5))),
        "unknown keys": npz(conv1=np.zeros((3, 3))),
        "keras start": npz(np.zeros((3, 5)), np.zeros(5)),
        "keras layers": npz(a.W.T, a.U.T, a.b, b.W.T, b.U.T, b.b),
        "keras head": npz(a.W.T, a.U.T, a.b, np.zeros((5, 2)), np.zeros(2), np.zeros(3)),
        "keras gaps": npz(arr_0=a.W.T, arr_2=a.U.T),
        "own half head": npz(**{"l0.W": a.W, "l0.U": a.U, "l0.b": a.b, "head.W": np.ones((1, 5))}),
        "own missing": npz(**{"l0.W": a.W, "l0.b": a.b}),
        "own marker": npz(format=np.array("something else"), W=a.W, U=a.U, b=a.b),
        "too big": b"PK" + bytes(5_000_001),
    }


BAD_FILES = _bad_weight_files()


@pytest.mark.parametrize("name", BAD_FILES)
def test_chinese_upload_details(name):
    # Both the headline and the detail under it are Chinese; only names (weight_hh_l0,
    # arr_1, head.W) and shapes stay as they are spelled in code.
    from lstm_viz.upload import UploadError, read_weights
    from ui.upload import MAX_BYTES

    with pytest.raises(UploadError) as err:
        read_weights(BAD_FILES[name], max_bytes=MAX_BYTES)
    assert err.value.key != "upload.why.core", str(err.value)  # checked before the core
    at = open_page("gates", lang="zh", seq="1 0 2; 0 1 0", mode="numbers")
    at.file_uploader(key=keys.UPLOAD_FILE).set_value(("m.npz", BAD_FILES[name], "application/zip"))
    at.run()
    assert_clean(at)
    assert at.error and HAN.search(at.error[0].value)
    assert not leaks(at, quoted=_names_in(BAD_FILES[name]))


def _names_in(data: bytes) -> str:
    """The member names of a zip and the text of its string arrays: the file's own words,
    which a message may quote back."""
    import io
    import zipfile

    import numpy as np

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            texts = [str(a) for a in map(arrays.get, arrays.files)
                     if isinstance(a, np.ndarray) and a.dtype.kind == "U"]
    except (zipfile.BadZipFile, ValueError, OSError):
        return ""
    return " ".join(names + texts)


# ---- English pages show no Chinese ---------------------------------------------------------

EN_VIEWS = [(p, q) for p, q in VIEWS if q.get("model") != "pronoun-zh"
            and q.get("demo") != "pronoun-zh"]


@pytest.mark.parametrize("page, query", EN_VIEWS, ids=_ids)
def test_english_page_has_no_chinese(page, query):
    from text.i18n import tr

    at = open_page(page, lang="en", **query)
    assert_clean(at)
    own = learner_text(at)
    allowed = PICKER | {tr("gates.ex.zh", "en"), tr("memory.demo.pronoun-zh", "en")}  # zh demo
    chinese = [text for text in shown_text(at)
               if HAN.search(text) and text not in allowed and text not in own]
    assert not chinese


# ---- the browser's locale picks the first language ------------------------------------------

@pytest.fixture
def in_locale(monkeypatch):
    """``open_page`` for a browser in ``locale``, on any supported Streamlit.

    AppTest.context carries the locale from Streamlit 1.67 on. Older ones (1.65 is the
    newest for Python 3.10) lack that field but not ``st.context.locale``: there the locale
    travels where a browser's does, in the ContextInfo of every rerun the test's script
    runner asks for, and the app reads it through Streamlit's own ``st.context``.
    """
    from streamlit.testing.v1 import AppTest, local_script_runner

    if hasattr(AppTest.from_string(""), "context"):
        return open_page
    from streamlit.proto.ClientState_pb2 import ContextInfo

    rerun_data, browser = local_script_runner.RerunData, {}
    monkeypatch.setattr(local_script_runner, "RerunData", lambda **fields: rerun_data(
        **fields, context_info=ContextInfo(locale=browser["locale"]) if browser else None))

    def open_in(page: str, locale: str | None = None, **query):
        browser.clear()
        browser.update({"locale": locale} if locale else {})
        return open_page(page, **query)

    return open_in


@pytest.mark.parametrize("locale", ["zh-CN", "zh-TW", "zh"])
def test_first_visit_follows_a_chinese_locale(locale, in_locale):
    at = in_locale("home", locale=locale)
    assert_clean(at)
    assert at.selectbox(key="lang").value == "zh"
    assert at.title[0].value == "LSTM 是怎样记住信息的"
    assert at.query_params["lang"] == "zh"


@pytest.mark.parametrize("locale", ["en-US", "de-DE", None])
def test_first_visit_with_another_locale_is_english(locale, in_locale):
    at = in_locale("home", locale=locale)
    assert at.selectbox(key="lang").value == "en"
    assert "lang" not in at.query_params


def test_link_language_overrides_the_locale(in_locale):
    at = in_locale("gates", locale="zh-CN", lang="en")
    assert_clean(at)
    assert at.selectbox(key="lang").value == "en"
    assert at.title[0].value == "Gates, step by step"
    at = in_locale("gates", locale="en-GB", lang="zh")
    assert at.selectbox(key="lang").value == "zh"


def test_locale_choice_is_kept_across_pages(in_locale):
    at = in_locale("home", locale="zh-CN")
    at.switch_page(SCRIPTS["params"]).run()
    assert_clean(at)
    assert at.title[0].value == "参数量计算器"
    assert at.query_params["lang"] == "zh"


# ---- a third language is one more catalogue file ----------------------------------------------

MARK = "⟦xx⟧ "


@pytest.fixture
def third_language(tmp_path, monkeypatch):
    """The app with a throw-away catalogue ``xx.json`` beside en and zh: English with every
    value marked, loaded the way the app loads its folder."""
    from types import MappingProxyType

    from text import i18n

    for path in i18n.CATALOGUE_DIR.glob("*.json"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    marked = {key: MARK + value for key, value in i18n.catalogue("en").items()}
    (tmp_path / "xx.json").write_text(json.dumps(marked, ensure_ascii=False), encoding="utf-8")
    found = i18n.load(tmp_path)
    monkeypatch.setattr(i18n, "_CATALOGUES", MappingProxyType(found))
    monkeypatch.setattr(i18n, "LANGS", tuple(found))
    monkeypatch.setattr(i18n, "LANG_NAMES", {lang: words["lang.name"]
                                             for lang, words in found.items()})
    return "xx"


@pytest.mark.parametrize("page", SCRIPTS)
def test_a_third_catalogue_renders_every_page(third_language, page):
    at = open_page(page, lang=third_language)
    assert_clean(at)
    assert at.selectbox(key="lang").value == "xx"
    assert at.selectbox(key="lang").options == ["English", MARK + "English", "中文"]  # en first
    assert at.title[0].value.startswith(MARK)
    assert at.query_params["lang"] == "xx"


def test_a_third_catalogue_follows_its_locale(third_language, in_locale):
    at = in_locale("home", locale="xx-YY")
    assert_clean(at)
    assert at.selectbox(key="lang").value == "xx"
    assert at.title[0].value.startswith(MARK)
