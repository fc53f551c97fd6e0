"""The gates player: one step and one unit for the diagram, the heatmaps, the arithmetic and
the URL.

A Streamlit custom component (v2, ``ui/player.js`` and ``ui/player.css``) receives one run
once, as compact integer arrays, draws it with plotly.js (served by this server from
``static/`` under a content-hashed name, figures/plotly_js.py; never from a CDN) and steps
through it in the browser: Play/Pause, a step slider, the unit, speed and loop, a click on
a heatmap cell, ← → Home End. It sends back the step and unit it shows as its state ``at``
= ``{"step", "unit", "rev"}`` (1-based); the page writes both into the URL and sends that
unit's arithmetic (ui/arith.py). While playing, the player tells Python at most every
:data:`SYNC_MS` (and at once on pause); the diagram, the frame marker, the spoken line and
the step's arithmetic (which hears the player's step in the browser: the window event
``lstm-viz-at``) are drawn at every step.

The figures come in two pairs (``figures.gates.FITS``): the laptop's (the projector's in
presentation mode: values at 24 px and more, the diagram above the fold at 1280×720) and a
narrow one that the player draws while its own width is under ``NARROW_PX`` (a phone).

Python can move the player too (a link's ``?step=&unit=``, a shorter sequence, a model
whose known unit should be shown): it sends a *request* ``{"step", "unit", "rev"}`` with the
data, and ``rev`` tells the two apart: the player adopts a request whose ``rev`` it has not
seen, and its state counts only while it carries the current ``rev``.

Wire format (:func:`payload`, one ``bytes`` value, the same bytes while the view is the same,
so Streamlit sends a rerun's copy as a short reference):

    b"LSTMVIZ1" · header length n (uint32, little-endian) · header (JSON, UTF-8, padded with
    spaces so that the arrays start on an 8-byte boundary) · the arrays, each padded to 8
    bytes, at the offsets the header names (from the end of the header)

Values travel as the integers the learner reads, so the browser shows what
:func:`lstm_viz.explain.fmt` shows, digit for digit: every quantity in thousandths (C and h
int16, or int32 when C leaves ±32.767); the three gates and the candidate as int16
``2·k + b``, where ``k`` is thousandths and ``b`` says whether two decimals round up when
``k`` ends in 5.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import cache
from pathlib import Path

import numpy as np
import streamlit as st

from figures import plotly_js
from figures.gates import (
    BOXES,
    FITS,
    FRAME_MS,
    MAPS,
    NARROW_PX,
    T_BOXES,
    T_STATES,
    Fit,
    player_json,
    title_template,
)
from figures.theme import colour_scale, colours_at, plain, value_range
from lstm_viz.gates import QUANTITIES
from text.i18n import tr
from ui import common, compute, keys
from ui.views import HASH_FUNCS, GatesView

__all__ = ["SPEEDS", "SYNC_MS", "encoded", "pack", "payload", "run_id", "script", "show",
           "thousandths"]

_LOG = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
STATIC = HERE.parent / "static"  # served at /app/static/ (server.enableStaticServing)
MAGIC = b"LSTMVIZ1"
SPEEDS = (0.25, 0.5, 1, 2, 4)  # × the base of FRAME_MS a step
SYNC_MS = 500                  # while playing, Python hears the step at most this often
TEXT_KEYS = {  # name in ui/player.js → catalogue key
    "controls": "player.controls", "play": "fig.common.play", "pause": "fig.common.pause",
    "step": "gates.step", "unit": "gates.unit", "speed": "player.speed", "loop": "player.loop",
    "live": "player.live", "summary": "player.summary", "table": "player.table",
    "token": "word.token", "keys": "player.keys", "loading": "player.loading",
    "failed": "player.failed", "chart": "player.chart", "camera": "player.camera",
    "camera_failed": "player.camera_failed",
}
NAME = "lstm_viz.player"


def script(*sources: str) -> str:
    """A component's JavaScript from ``sources`` (the files' texts, in order), as the browser
    gets it: without whole-line comments and indentation. Streamlit sends a component's code
    with every mount whose data is new (every new run), so these are bytes of every change
    (8 KB of the player's 31). Safe because no string or comment in these files spans lines
    (a test checks)."""
    lines = (line.strip() for text in sources for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//")) + "\n"


_CSS = (HERE / "player.css").read_text(encoding="utf-8")
_JS = script((HERE / "wire.js").read_text(encoding="utf-8"), plotly_js.loader(),
             (HERE / "player.js").read_text(encoding="utf-8"))


def _register():
    """Register the player with the running server and return its mount function."""
    return st.components.v2.component(
        NAME, html='<div class="lstm-player"></div>', css=_CSS, js=_JS,
        isolate_styles=False,  # plotly.js styles its hover and toolbar in the document
    )


_COMPONENT = _register()


def in_runtime(name: str, register, component):
    """``component`` (named ``name``), or a fresh ``register()`` when the runtime that runs
    this script lacks it: components are kept per runtime (AppTest makes one per test);
    Streamlit 1.67 registers again by itself when a runtime lacks one, 1.65 (Python 3.10's
    newest) does not."""
    from streamlit.runtime import Runtime

    if Runtime.exists() and Runtime.instance().bidi_component_registry.get(name) is None:
        return register()
    return component


def _component():
    return in_runtime(NAME, _register, _COMPONENT)


# ---- the numbers, as the learner reads them ---------------------------------------------

def _rounded(values: np.ndarray, digits: int) -> np.ndarray:
    """``values`` in units of 10**-digits, rounded exactly as ``f"{v:.{digits}f}"`` rounds
    (NumPy first; the rare values within a hair of a tie are settled by Python's own
    formatting)."""
    v = np.asarray(values, dtype=np.float64)
    scaled = v * 10.0 ** digits
    k = np.rint(scaled).astype(np.int64)
    near = np.abs(np.abs(scaled) % 1.0 - 0.5) < 1e-6
    for idx in zip(*np.nonzero(near), strict=True):
        k[idx] = int(f"{v[idx]:.{digits}f}".replace(".", ""))
    return k


def thousandths(values) -> np.ndarray:
    """Every value as the integer ``fmt(v, 3)`` shows, in thousandths.

    >>> thousandths([0.1234, -0.0004, 1.0])
    array([ 123,    0, 1000])
    """
    return _rounded(values, 3)


def gate_codes(values) -> np.ndarray:
    """A gate's values as int16 ``2·k + b``: ``k`` thousandths, ``b`` = 1 when ``k`` ends in
    5 and two decimals round up (``fmt(v, 2)`` cannot be told from ``k`` alone then)."""
    k3, k2 = thousandths(values), _rounded(values, 2)
    tie = np.abs(k3) % 10 == 5
    up = tie & (k2 == (k3 + 5) // 10)
    return (2 * k3 + up).astype(np.int16)


def encoded(name: str, k: np.ndarray) -> tuple[str, np.ndarray]:
    """Integers ``k`` as int16 where they fit, else int32, under ``name``."""
    fits16 = k.size == 0 or np.abs(k).max() <= np.iinfo(np.int16).max
    return name, np.ascontiguousarray(k, dtype=np.int16 if fits16 else np.int32)


def _arrays(trace) -> list[tuple[str, np.ndarray]]:
    """The trace's six quantities (T, H) and the state before step 1 (H,), encoded."""
    arrays = [(k, gate_codes(getattr(trace, k))) for k in BOXES]
    arrays += [encoded(k, thousandths(getattr(trace, k))) for k in ("c", "h")]
    arrays += [encoded("c0", thousandths(trace.c_prev[0])),
               encoded("h0", thousandths(trace.h_prev[0]))]
    return arrays


# ---- the payload ---------------------------------------------------------------------------

def _texts(lang: str) -> dict[str, str]:
    return {name: tr(key, lang) for name, key in TEXT_KEYS.items()}


def _box_colours(trace) -> dict[str, dict]:
    """For each gate, the box colour of every value in hundredths from ``lo`` up."""
    colours = {}
    for k in BOXES:
        lo, hi = value_range(k, np.asarray(getattr(trace, k)))
        codes = np.arange(int(np.floor(lo * 100)), int(np.ceil(hi * 100)) + 1)
        colours[k] = dict(lo=int(codes[0]), colours=colours_at(colour_scale(k), codes / 100,
                                                               lo, hi))
    return colours


def _figures(run, lang: str, step: int, unit: int, fit: Fit) -> dict:
    """The two figures the player draws, fitted to one kind of screen, and their titles
    with ``{unit}`` to fill in."""
    trace, tokens = run.trace, list(run.sequence.tokens)
    diagram, maps = player_json(trace, tokens, unit=unit - 1, step=step - 1, lang=lang, fit=fit)
    return dict(diagram=diagram, maps_figure=maps, h_sep=fit.h_sep,
                title=title_template("fig.gates.title", lang, fit),
                maps_title=title_template("fig.gates.maps_title", lang, fit))


def _header(run, lang: str, step: int, unit: int, rev: int, present: bool) -> dict:
    trace, tokens = run.trace, list(run.sequence.tokens)
    wide = _figures(run, lang, step, unit, FITS["projector" if present else "wide"])
    return dict(
        steps=trace.steps, units=trace.hidden_size, maps=list(MAPS), gates=list(BOXES),
        symbols={k: QUANTITIES[k].symbol for k in MAPS},
        tokens=tokens, labels=[plain(tok, 16) for tok in tokens],  # text; Plotly's text
        **wide, traces=dict(boxes=T_BOXES, states=T_STATES),
        # below narrow_px of its own width (a phone) the player draws the narrow figures
        narrow=_figures(run, lang, step, unit, FITS["narrow"]), narrow_px=NARROW_PX,
        colours=_box_colours(trace), text=_texts(lang), speeds=list(SPEEDS),
        request=dict(step=step, unit=unit, rev=rev), frame_ms=FRAME_MS, sync_ms=SYNC_MS,
        plotly=f"app/static/{plotly_js.served_name()}", config=common.PLOTLY_CONFIG,
        arrays=[], id="",
    )


def _pad(n: int) -> int:
    return -n % 8


def run_id(view: GatesView) -> str:
    """The run's name in the browser, the same in the player's data and the arithmetic's
    (ui/arith.py): the arithmetic follows the player only while both name the same run."""
    return hashlib.sha1(repr(view.cache_key()).encode()).hexdigest()[:16]


def pack(header: dict, arrays: list[tuple[str, np.ndarray]]) -> bytes:
    """``header`` and ``arrays`` in the wire format (see the module's docstring); the
    header's ``arrays`` and ``id`` are filled in here."""
    header = {**header, "arrays": []}
    offset, blobs = 0, []
    for name, a in arrays:
        header["arrays"].append(dict(name=name, dtype=a.dtype.name, offset=offset,
                                     length=int(a.size)))
        raw = a.tobytes()  # little-endian on every machine this runs on (x86, ARM)
        blobs.append(raw + b"\0" * _pad(len(raw)))
        offset += len(blobs[-1])
    body = b"".join(blobs)
    header["id"] = hashlib.sha1(body + json.dumps(header).encode()).hexdigest()[:16]
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    text += b" " * _pad(len(MAGIC) + 4 + len(text))  # the arrays start on an 8-byte boundary
    return MAGIC + len(text).to_bytes(4, "little") + text + body


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=HASH_FUNCS)
def payload(view: GatesView, lang: str, step: int, unit: int, rev: int,
            present: bool = False) -> bytes:
    """The player's data for ``view`` in ``lang``, starting at ``step`` and ``unit``
    (1-based; request ``rev``), its figures sized for a projector if ``present``: see the
    module's docstring for the layout."""
    run = compute.gates_run(view)
    header = _header(run, lang, step, unit, rev, present)
    return pack({**header, "run": run_id(view)}, _arrays(run.trace))


def read_payload(blob: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """The header and arrays of a payload, as ``ui/player.js`` reads them (for tests)."""
    if blob[:len(MAGIC)] != MAGIC:
        raise ValueError("not a player payload")
    n = int.from_bytes(blob[len(MAGIC):len(MAGIC) + 4], "little")
    start = len(MAGIC) + 4 + n  # the arrays, at offsets from here
    header = json.loads(blob[len(MAGIC) + 4:start])
    arrays = {a["name"]: np.frombuffer(blob, dtype=a["dtype"], count=a["length"],
                                       offset=start + a["offset"]) for a in header["arrays"]}
    return header, arrays


# ---- plotly.js, from this server ----------------------------------------------------------

@cache
def serve_plotly() -> Path | None:
    """Copy the vendored plotly.js (figures/plotly_js.py) into ``static/`` as
    ``plotly.<hash>.min.js`` (once per process, and only if it is not there): the browser
    loads it from this server, so a classroom can be offline. ``streamlit run asgi.py``
    sends it precompressed (serve/).

    Where the app's folder is read-only (the Docker image puts the file there at build time,
    ``python -m serve``), a missing copy is logged and the player says in the page that its
    chart cannot load; the page itself keeps working. Returns the file served, or None.
    """
    try:
        return plotly_js.install(STATIC)
    except OSError as err:
        _LOG.warning("cannot put plotly.js in %s (%s): /gates cannot draw its chart", STATIC,
                     err)
        return None


# ---- where the player stands ---------------------------------------------------------------

def _from_link(name: str, high: int) -> int | None:
    raw = st.session_state.get(keys.LINK, {}).get(name)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= high else None


def _request(view: GatesView, lang: str, steps: int, units: int) -> dict:
    """What Python asks the player to show: the same while the view is the same; for a new
    view, the step and unit shown last (cut to fit), a link's, or a unit a model asked for."""
    ident = repr((view.cache_key(), lang, steps, units))
    old = st.session_state.get(keys.PLAYER_REQUEST)
    if old is not None and old["ident"] == ident:
        return old
    step, unit = (old["shown"] if old else (1, 1))
    if old is None or keys.LINK in st.session_state and st.session_state[keys.LINK]:
        step = _from_link(keys.STEP, steps) or step
        unit = _from_link(keys.UNIT, units) or unit
    wanted = st.session_state.pop(keys.UNIT, None)  # a model's known unit (pages/1_gates.py)
    if isinstance(wanted, int):
        unit = wanted
    step, unit = min(step, steps), min(max(unit, 1), units)
    request = dict(ident=ident, step=step, unit=unit, rev=(old["rev"] + 1 if old else 0),
                   shown=(step, unit))
    st.session_state[keys.PLAYER_REQUEST] = request
    return request


def _noop() -> None:
    """State callbacks are what let a component keep a state name (Streamlit's rule)."""


def show(view: GatesView, lang: str, key: str = keys.PLAYER) -> tuple[int, int]:
    """Draw the player for ``view`` and return the step and unit (1-based) it shows: its
    own state while that answers the current request, else the request. Writes both into
    the URL (``step``, ``unit``; left out at 1)."""
    run = compute.gates_run(view)
    steps, units = run.trace.steps, run.trace.hidden_size
    serve_plotly()
    request = _request(view, lang, steps, units)
    data = payload(view, lang, request["step"], request["unit"], request["rev"],
                   common.presenting())
    result = _component()(key=key, data=data, on_at_change=_noop)
    step, unit = request["step"], request["unit"]
    at = result.get("at") if hasattr(result, "get") else None
    if isinstance(at, dict) and at.get("rev") == request["rev"]:
        step = _within(at.get("step"), steps, step)
        unit = _within(at.get("unit"), units, unit)
    request["shown"] = (step, unit)
    for name, value in ((keys.STEP, step), (keys.UNIT, unit)):
        wanted = None if value == 1 else str(value)
        if st.query_params.get(name) == wanted:  # unchanged: no new address for the browser
            continue
        if wanted is None:
            st.query_params.pop(name, None)
        else:
            st.query_params[name] = wanted
    return step, unit


def _within(value, high: int, fallback: int) -> int:
    return value if isinstance(value, int) and 1 <= value <= high else fallback
