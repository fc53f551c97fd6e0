"""The app as an ASGI application: Streamlit's own (``st.App``) with its frontend bundles and
the gates player's plotly.js precompressed (serve/precompressed.py), and the gates page's
HTML asking for that plotly.js at once (serve/early.py).

    streamlit run asgi.py          # what `make run` and the container start

``streamlit run`` finds ``app`` below and serves it with the same settings as
``streamlit run app.py`` (.streamlit/config.toml, ``--server.*`` flags, STREAMLIT_* variables,
``server.enableWebsocketCompression``). The first start on a machine compresses the bundles
into the cache (about a minute on two cores; ``python -m serve`` does it ahead); if the
cache cannot be written the server still starts and sends them uncompressed.

Before the server takes its first session, :func:`preload` imports ``ui/preload.py``
(pandas in full, Plotly's validators and JSON encoder) and runs its ``warm_server`` (every
module the page scripts import, and Streamlit's own first-run work): the server opens its port only
after its lifespan has started, so even a class that connects in the same second as the
health check answers finds them loaded (issue 14, the first burst). It then starts
``ui/cache.py``'s collector of finished runs' garbage, with what is loaded so far frozen
out of every full collection (docs/deploy.md, "Memory: what one server keeps").
"""

import importlib
import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit.logger import get_logger

from serve import EarlyScript, PrecompressedStatic, ensure_app

try:
    bundle = ensure_app()
except OSError as err:
    logging.getLogger("lstm_viz.serve").warning(
        "frontend bundles will be sent uncompressed: cannot write their cache (%s)", err)
    bundle = None


@asynccontextmanager
async def preload(_app):
    """st.App's lifespan: import what the page scripts would import lazily, once, before
    uvicorn listens (a few seconds at the start; nothing is being served yet)."""
    began = time.perf_counter()
    importlib.import_module("ui.preload").warm_server()  # the pages' imports too
    importlib.import_module("ui.cache").start_collector(freeze=True)  # docs/deploy.md, Memory
    get_logger("lstm_viz.serve").info(
        "preloaded ui.preload before the first session in %.1f s", time.perf_counter() - began)
    yield


# The pages that draw the gates player (ui/step_detail.py): their HTML asks for its plotly.js.
PLAYER_PAGES = ("gates",)

app = st.App(Path(__file__).resolve().parent / "app.py", lifespan=preload,
             middleware=[Middleware(PrecompressedStatic, bundle=bundle),
                         Middleware(EarlyScript, pages=PLAYER_PAGES)])
