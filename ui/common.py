"""The frame every page shares: language, navigation, messages, figures."""

from __future__ import annotations

import math

import streamlit as st
from streamlit.errors import StreamlitAPIException

from text import i18n
from text.i18n import tr
from ui import keys, nav

PLOTLY_CONFIG = {"displaylogo": False, "scrollZoom": False,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d"],
                 # the camera button: Plotly's own toImage, in the browser (no kaleido needed)
                 "toImageButtonOptions": {"format": "png", "filename": "lstm-viz", "scale": 2}}


def page(title_key: str) -> str:
    """Set up a page: config, language, sidebar links, title. Returns the language."""
    st.set_page_config(page_title=f"{tr(title_key, 'en')} · LSTM Viz", page_icon="🧠",
                       layout="wide")
    _leave_other_pages(title_key)
    seen = st.session_state.setdefault(keys.LINKS_SEEN, set())
    # The address the learner arrived with, read once per page before any widget syncs it
    # (kept over a rerun that number() asked for).
    kept = st.session_state.pop(keys.LINK_KEPT, None)
    st.session_state[keys.LINK] = kept or ({} if title_key in seen else dict(st.query_params))
    seen.add(title_key)
    lang = _language()
    st.html(_BASE_CSS)
    present = _presentation(lang)
    _sidebar(lang, present)
    st.title(tr(title_key + ".title", lang))
    if present:  # the sidebar is hidden: the way out sits under the title
        st.toggle(tr("share.present", lang), key=keys.PRESENT,
                  help=tr("share.present.help", lang))
    return lang


def presenting() -> bool:
    """Whether this page is in presentation mode (``?present=1``): controls folded away,
    no sidebar, larger type for a projector."""
    return bool(st.session_state.get(keys.PRESENT, False))


# Constant text of ours, never the learner's: safe to hand to st.html.
# Every page: captions at 7:1 on white (Streamlit fades them to 60% opacity: 3.9:1, under AA's
# 4.5:1, found by axe-core in tests/test_browser_a11y.py), and option buttons that wrap to a
# second line instead of being clipped by a narrow column ("Numbers", /train's "0.1").
# Charts whose labels sit a fixed number of pixels apart (/memory's, by chart key, and the
# lesson's) keep a least width and scroll sideways on a phone instead of drawing their
# labels over each other. monospace()'s text is set in Streamlit's code font.
_BASE_CSS = """<style>
[data-testid="stCaptionContainer"] { color: #595959 !important; opacity: 1 !important; }
[data-testid="stButtonGroup"] [role="radiogroup"] { flex-wrap: wrap; }
.stElementContainer:has(> [data-testid="stButtonGroup"]) { max-width: 100%; }
.st-key-memory_figure { min-width: 760px; }
.st-key-lesson_figure { min-width: 500px; }
[data-testid="stVerticalBlock"]:has(> .st-key-memory_figure),
[data-testid="stVerticalBlock"]:has(> .st-key-lesson_figure) { overflow-x: auto; }
[class*="st-key-mono_"] [data-testid="stText"], [class*="st-key-mono_"] [data-testid="stText"] * {
font-family: "Source Code Pro", monospace; font-size: 0.875rem; }
</style>"""

# A projector at 1280×720 read from the back of a room: text, inputs and numbers larger
# (never smaller than in normal mode: the metric values keep 2.25rem or more), the page's
# top padding cut so the first chart starts on the first screen. Charts: see presented().
_PRESENT_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; }
[data-testid="stMain"] { font-size: 1.3rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] code,
[data-testid="stMain"] label, [data-testid="stMain"] button,
[data-testid="stMain"] input, [data-testid="stMain"] textarea,
[data-testid="stMain"] [data-baseweb="select"] div { font-size: 1.3rem !important; }
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] * { font-size: 3rem !important; }
[data-testid="stMain"] [data-testid="stMetricDelta"] * { font-size: 1.5rem !important; }
[data-testid="stMain"] h1 { font-size: 2.6rem; padding: 0.25rem 0; }
[data-testid="stMain"] h3 { font-size: 2rem; }
</style>"""
PRESENT_SCALE = 1.3  # chart text and height in presentation mode (box values 19–22 px → 25–29)


def _presentation(lang: str) -> bool:
    """The presentation-mode toggle, kept in ``?present=1``; read from the URL once per page."""
    if keys.PRESENT not in st.session_state:
        st.session_state[keys.PRESENT] = st.query_params.get(keys.PRESENT) == "1"
    if not st.session_state[keys.PRESENT]:
        st.sidebar.toggle(tr("share.present", lang), key=keys.PRESENT,
                          help=tr("share.present.help", lang))
    present = presenting()
    if present:
        st.query_params[keys.PRESENT] = "1"
        st.html(_PRESENT_CSS)
    else:
        st.query_params.pop(keys.PRESENT, None)
    return present


def choice(widget, label: str, options, key: str, default: str, labels, **kwargs):
    """A choice widget (selectbox, segmented_control, radio) whose value lives in ``?key=``
    as its stable option code. (Streamlit's own ``bind`` would put the translated label in
    the URL, so a link made in Chinese would not open in English.)"""
    if key not in st.session_state:
        wanted = st.query_params.get(key)
        st.session_state[key] = wanted if wanted in options else default
    value = widget(label, options, key=key, format_func=labels, **kwargs)
    if value is None:  # a segmented control clicked off: keep the last choice
        value = default
    if value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value
    return value


def _leave_other_pages(title_key: str) -> None:
    """On arriving from another page, drop that page's widget values: pages share URL names
    (``units`` is a number on /gates and a list on /stacked), and each page takes its own
    settings from its own URL. The language, the trained model and private keys travel."""
    if st.session_state.get(keys.PAGE) != title_key:
        for key in [k for k in st.session_state
                    if not k.startswith("_") and k not in keys.TRAVELS]:
            del st.session_state[key]
        st.session_state[keys.PAGE] = title_key


def _language() -> str:
    """The language picker, kept in ``?lang=``; the browser's locale picks the first one."""
    if keys.LANG not in st.session_state and st.query_params.get(keys.LANG) not in i18n.LANGS:
        st.session_state[keys.LANG] = (st.session_state.get(keys.LANG_KEPT)
                                       or _browser_language())
    lang = choice(st.sidebar.selectbox, "Language · 语言", i18n.LANGS, keys.LANG, i18n.DEFAULT,
                  i18n.LANG_NAMES.get)
    st.session_state[keys.LANG_KEPT] = lang  # kept when the learner moves to another page
    return lang


def _browser_language() -> str:
    """The catalogue named by the locale's language (``zh`` of ``zh-TW``), else the default."""
    wanted = (st.context.locale or "").lower().replace("_", "-").split("-")[0]
    return wanted if wanted in i18n.LANGS else i18n.DEFAULT


def _sidebar(lang: str, present: bool = False) -> None:
    with st.sidebar:
        st.markdown("### 🧠 LSTM Viz")
        for p in nav.PAGES:
            st.page_link(p.file, label=tr(p.title, lang), icon=p.icon,
                         query_params=link_query({}, lang, present))
        st.caption(tr("nav.about", lang))


def link_query(query: dict, lang: str, present: bool = False) -> dict | None:
    """``query`` for a link to another page, with the language unless it is English (and
    ``present=1`` in presentation mode); None when there is nothing to add."""
    query = {**query, **({keys.LANG: lang} if lang != "en" else {})}
    if present:
        query[keys.PRESENT] = "1"
    return query or None


def check_link(values: dict, lang: str) -> None:
    """Say so when the link asked for a value the page could not use (out of range, not a
    number, an unknown option): the widget shows what is used instead."""
    for key, raw in st.session_state.get(keys.LINK, {}).items():
        if key in values and not _same(raw, values[key]):
            show_note(tr("note.link_value", lang, name=key, raw=raw[:40], value=values[key]))


def _same(raw: str, value) -> bool:
    if isinstance(value, bool):
        return raw.strip().lower() == str(value).lower()
    if isinstance(value, (int, float)):
        try:
            return float(raw) == value
        except ValueError:
            return False
    return raw == value


def number(box, label: str, low: int, high: int, default: int, key: str, **kwargs) -> int:
    """A whole-number input bound to ``?key=`` (Streamlit's ``bind``).

    Streamlit checks a bound number from the URL with ``int(value)``, which raises
    OverflowError for ``?key=inf`` (or ``-inf``, ``1e999``) and breaks the page. Such a value
    is dropped from the URL and the page run again: the widget then shows ``default``, bound
    as usual, and :func:`check_link` says the link's value was not used. (Back in the
    browser's history to such a link the widget is already bound and Streamlit would read
    the URL again: it is left unbound for that run and keeps its value.)
    """
    raw, bind = st.query_params.get(key), "query-params"
    if raw is not None and _infinite(raw):
        try:
            del st.query_params[key]
        except StreamlitAPIException:  # bound by an earlier run (the browser went back)
            bind = None  # Streamlit would read the URL again: not this time
        else:
            st.session_state[keys.LINK_KEPT] = st.session_state.get(keys.LINK, {})
            st.rerun()
    return int(box.number_input(label, low, high, default, key=key, bind=bind, **kwargs))


def _infinite(raw: str) -> bool:
    try:
        return math.isinf(float(raw))
    except ValueError:  # not a number at all: Streamlit refuses it itself
        return False


def monospace(text: str, key: str) -> None:
    """``text`` as plain text (never Markdown) in the code font, line breaks kept: the
    arithmetic, code to copy, a link. Not st.code, whose syntax highlighter is a 0.4–0.5 MB
    download for text that needs no colours (README, "First load")."""
    with st.container(key=f"mono_{key}"):
        st.text(text)


def show_error(message: str) -> None:
    """A short message in place of the chart. ``message`` is plain text from the catalogue
    (with the learner's text quoted); st.error renders Markdown, so it is escaped first."""
    st.error(escape_markdown(message), icon=":material/error:")


def show_note(message: str) -> None:
    st.info(escape_markdown(message), icon=":material/info:")


def note_cut(total: int, kept: int, lang: str) -> None:
    """Say so when only the first ``kept`` of ``total`` steps are shown."""
    if total > kept:
        show_note(tr("note.truncated", lang, total=total, limit=kept))


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:=^")


def escape_markdown(text: str) -> str:
    """Text that Streamlit's Markdown shows as typed: no links, images, emphasis, HTML,
    LaTeX or :colour[…] directives can come from the learner's input."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def figure(fig, key: str) -> None:
    """A Plotly figure in full width, styled by its own template (``theme=None``), not
    Streamlit's, so fonts stay projector-sized; larger still in presentation mode."""
    if presenting():
        fig = presented(fig)
    st.plotly_chart(fig, width="stretch", theme=None, config=PLOTLY_CONFIG, key=key)


def presented(fig, scale: float = PRESENT_SCALE) -> dict:
    """The figure for a projector: every font and marker ``scale`` times larger and the
    chart as much taller, so text stays apart vertically (the width is the screen's)."""
    spec = _scaled_sizes(fig.to_plotly_json(), scale)
    layout = spec.setdefault("layout", {})
    layout["height"] = round((layout.get("height") or 450) * scale)
    return spec


def _scaled_sizes(node, scale: float, sized: bool = False):
    """``node`` with every ``size`` of a ``…font`` or ``marker`` object times ``scale``."""
    if isinstance(node, dict):
        return {k: (_scale(v, scale) if sized and k == "size"
                    else _scaled_sizes(v, scale, k.endswith("font") or k == "marker"))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_scaled_sizes(v, scale, sized) for v in node]
    return node


def _scale(size, scale: float):
    if isinstance(size, (list, tuple)):
        return [_scale(v, scale) for v in size]
    return size * scale if isinstance(size, (int, float)) else size


def table(names, rows) -> dict[str, list]:
    """Rows of values as ``st.dataframe``'s columns: ``{name: [each row's value]}``."""
    columns = {name: [] for name in names}
    for row in rows:
        for values, value in zip(columns.values(), row, strict=True):
            values.append(value)
    return columns
