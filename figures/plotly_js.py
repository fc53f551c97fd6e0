"""plotly.js, the library that draws the figures in the browser: the copy plotly.py ships, and
the name this app serves it under.

The name carries the file's content hash (``plotly.<12 hex digits of its sha256>.min.js``),
as Streamlit's own bundles do: a browser may keep it for a year (``immutable``), and a new
plotly.py brings a new name, never a stale copy. The gates player (ui/player.py) asks for
``app/static/<served_name()>``; serve/ sends it precompressed. No Streamlit in here.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

__all__ = ["install", "served_name", "source"]

SHIPPED = "plotly.min.js"  # in plotly.py's package_data


def source() -> Path:
    """plotly.py's own plotly.min.js (the version its figures are written for)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / SHIPPED


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
