"""Serving the app: Streamlit's frontend bundles, compressed once, sent as the browser accepts.

Streamlit serves its ``/static/`` bundles uncompressed on purpose (compressing on every
request costs CPU in a burst; production is expected to sit behind a compressing proxy).
A class opening the link at once is that burst, and often there is no proxy: ``make run``
on the teacher's laptop. So the bundles are compressed once (gzip and brotli, into a cache
folder keyed by their content) and served by an ASGI middleware in front of Streamlit's
own app (``st.App``, started by ``streamlit run asgi.py``).

An edge of the app like ``pages/``: it imports streamlit and starlette, and nothing of the
app's own layers.
"""

from serve.precompressed import (
    ENCODINGS,
    Bundle,
    PrecompressedStatic,
    build,
    choose_encoding,
    ensure,
    static_dir,
)

__all__ = ["ENCODINGS", "Bundle", "PrecompressedStatic", "build", "choose_encoding", "ensure",
           "static_dir"]
