"""plotly.js, the library that draws the gates player's figures in the browser: the bundle
this app vendors, and the name it is served under.

The bundle is plotly.js's official *cartesian* build (``figures/vendor/``, README there),
of the version plotly.py 7.1 ships: the player draws only scatter and heatmap traces, and
that build is a third of the full file, so a browser compiles a third as much before the
first chart (issue 17). Pages drawn by ``st.plotly_chart`` use Streamlit's own plotly.js.

The name carries the file's content hash (``plotly.<12 hex digits of its sha256>.min.js``),
as Streamlit's own bundles do: a browser may keep it for a year (``immutable``), and a new
bundle brings a new name, never a stale copy. The gates player (ui/player.py) asks for
``app/static/<served_name()>``; serve/ sends it precompressed. No Streamlit in here.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

__all__ = ["TRACES", "install", "loader", "served_name", "source"]

VENDORED = Path(__file__).resolve().parent / "vendor" / "plotly-cartesian.min.js"
LOADER = Path(__file__).resolve().parent / "load_plotly.js"
VENDORED_SHA256 = "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a"
# The trace types of the cartesian bundle (its package's README): what the player may draw.
TRACES = frozenset({"bar", "box", "contour", "heatmap", "histogram", "histogram2d",
                    "histogram2dcontour", "image", "pie", "scatter", "scatterternary", "violin"})


def source() -> Path:
    """The vendored plotly.js bundle that the player loads."""
    return VENDORED


@cache
def loader() -> str:
    """``loadPlotly(src)``, the JavaScript that runs the bundle in a page once (a promise
    of ``window.Plotly``): the player's (ui/player.py) and the gates page's HTML's
    (serve/early.py), one function for both."""
    return LOADER.read_text(encoding="utf-8")


@cache
def served_name() -> str:
    """``plotly.<hash>.min.js``: the file's name in ``static/``, and in the URL."""
    digest = hashlib.sha256(source().read_bytes()).hexdigest()[:12]
    return f"plotly.{digest}.min.js"


def install(folder: Path) -> Path:
    """Copy plotly.js into ``folder`` as :func:`served_name` unless it is there already (the
    same name is the same content); atomic, so a browser never gets half a file. Returns the
    file; raises OSError if ``folder`` cannot be written."""
    target = folder / served_name()
    if target.is_file() and target.stat().st_size == source().stat().st_size:
        return target
    folder.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=folder, prefix=".plotly-", suffix=".part")
    os.close(fd)  # a name of its own: two servers starting at once do not share one
    try:
        shutil.copyfile(source(), partial)
        os.chmod(partial, 0o644)  # mkstemp's 0600 would hide it from a server run as another user
        os.replace(partial, target)
    except OSError:
        Path(partial).unlink(missing_ok=True)
        raise
    return target
