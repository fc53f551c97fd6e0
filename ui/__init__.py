"""Streamlit helpers shared by the pages.

Pages stay thin: they call :func:`ui.common.page`, read their controls (:mod:`ui.controls`),
which return a view (:mod:`ui.views`), hand the view to a cached function in
:mod:`ui.compute`, and the result to a figure function. The list of pages is
:mod:`ui.nav`; every name in ``st.session_state`` that several modules share is
:mod:`ui.keys`.
"""

import ui.preload  # noqa: E402,F401  (before any page builds a figure: see ui/preload.py)
