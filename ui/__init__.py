"""Streamlit helpers shared by the pages: the frame of every page and cached runs.

Pages stay thin: they call :func:`ui.common.page`, read their controls, call a cached
function in :mod:`ui.compute`, and hand the result to a figure function.
"""

import ui.preload  # noqa: E402,F401  (before any page builds a figure: see ui/preload.py)
