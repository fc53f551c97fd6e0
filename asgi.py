"""The app as an ASGI application: Streamlit's own (``st.App``) with its frontend bundles
precompressed (serve/precompressed.py).

    streamlit run asgi.py          # what `make run` and the container start

``streamlit run`` finds ``app`` below and serves it with the same settings as
``streamlit run app.py`` (.streamlit/config.toml, ``--server.*`` flags, STREAMLIT_* variables,
``server.enableWebsocketCompression``). The first start on a machine compresses the bundles
into the cache (about 30 s on two cores; ``python -m serve`` does it ahead); if the
cache cannot be written the server still starts and sends them uncompressed.
"""

import logging
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from serve import PrecompressedStatic, ensure

try:
    bundle = ensure()
except OSError as err:
    logging.getLogger("lstm_viz.serve").warning(
        "frontend bundles will be sent uncompressed: cannot write their cache (%s)", err)
    bundle = None

app = st.App(Path(__file__).resolve().parent / "app.py",
             middleware=[Middleware(PrecompressedStatic, bundle=bundle)])
