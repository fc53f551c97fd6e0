"""Serving the app: Streamlit's frontend bundles, compressed once, sent as the browser accepts.

Streamlit serves its ``/static/`` bundles uncompressed on purpose (compressing on every
request costs CPU in a burst; production is expected to sit behind a compressing proxy).
A class opening the link at once is that burst, and often there is no proxy: ``make run``
on the teacher's laptop. So the bundles are compressed once (gzip and brotli, into a cache
folder keyed by their content) and served by an ASGI middleware in front of Streamlit's
own app (``st.App``, started by ``streamlit run asgi.py``). The gates player's plotly.js
(``app/static/plotly.<hash>.min.js``) is compressed and served the same way, and the
gates page's HTML asks for it at once (``serve/early.py``).

An edge of the app like ``ui/``: it imports streamlit and starlette, and of the app's own
layers only ``figures.plotly_js`` (where plotly.js is and the name it is served under).
"""

from serve.early import EarlyScript
from serve.precompressed import (
    ENCODINGS,
    Bundle,
    PrecompressedStatic,
    app_files,
    build,
    choose_encoding,
    ensure,
    ensure_app,
    static_dir,
)

__all__ = ["ENCODINGS", "Bundle", "EarlyScript", "PrecompressedStatic", "app_files", "build",
           "choose_encoding", "ensure", "ensure_app", "static_dir"]
