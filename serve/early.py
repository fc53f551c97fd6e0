"""The gates page asks for its plotly.js in its first HTML, and runs it before its player
appears.

Without help, a fresh browser opening ``/gates`` boots Streamlit's frontend, waits for the
page script's first messages, mounts the player, and only then fetches plotly.js and runs it
(a few hundred milliseconds of the browser's main thread before any chart; issue 17). The
player needs nothing but ``window.Plotly`` (``loadPlotly`` of ``figures/load_plotly.js``
uses it when it is there), so the page's HTML can take care of it: :class:`EarlyScript` adds
to the ``<head>`` of Streamlit's ``index.html``, when it is the answer to a page that draws
the player, a ``<link rel="preload" … as="script">`` (the browser downloads the file while
the frontend starts) and an inline script that runs the file, through that same
``loadPlotly``, once the window has loaded and the browser is idle: while the frontend
waits for the server's first messages and for its lazily loaded parts, which is when the
player would otherwise be waiting for nothing but plotly.js.

Tried and dropped: a ``<script defer>`` ran it before Streamlit's frontend had started (the
first chart came later), and running it at the ``load`` event itself, without waiting for
the browser to be idle, gave no measurable gain (3.29 and 3.43 s against 3.28 and 3.17 s).
What the idle start gains is in README (issue 17, ``benchmarks/first_load.py``).

The tags are constant text made here from the file's content-hashed name; nothing from the
request goes into them. A rewritten page goes without ``ETag``/``Last-Modified`` (Streamlit's
validators describe its own file); the request's conditional and ``Accept-Encoding`` headers
are dropped, so it is always answered in full and plain (8 kB, ``no-cache`` as before;
Streamlit would gzip it to 3 kB). Any other path, method, status or
encoding passes through untouched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from figures import plotly_js
from serve.precompressed import relative_path

# Streamlit gzips its HTML for a browser that accepts it; the page is asked for plain (8 kB
# instead of 3 kB, once per page load) so that the tag can be added without recompressing.
DROPPED_REQUEST = {b"if-none-match", b"if-modified-since", b"accept-encoding"}
DROPPED_ANSWER = {b"content-length", b"etag", b"last-modified"}


def early_tags(src: str) -> bytes:
    """The tags added to the page: the preload, relative like Streamlit's own ``./static/…``
    links, so it resolves under a base URL path as the player's own request does; and the
    script that runs the file once the page has loaded and the browser is idle (Safari has
    no ``requestIdleCallback``: there it waits for nothing but the ``load`` event)."""
    run = ('addEventListener("load", () => {\n'
           f"  const run = () => loadPlotly({json.dumps(src)}).catch(() => {{}});\n"
           "  if (window.requestIdleCallback) requestIdleCallback(run, { timeout: 3000 });\n"
           "  else setTimeout(run, 0);\n"
           "});")
    return (f'<link rel="preload" href="{src}" as="script" />\n'
            f"<script>\n{plotly_js.loader()}{run}\n</script>").encode()


def add_to_head(html: bytes, tag: bytes) -> bytes | None:
    """``html`` with ``tag`` just before ``</head>``; None if it has no ``</head>``."""
    at = html.find(b"</head>")
    return None if at < 0 else html[:at] + tag + b"\n  " + html[at:]


class EarlyScript:
    """ASGI middleware: the HTML of ``pages`` (URL paths relative to the base URL, e.g.
    ``gates``) asks for the player's plotly.js in its ``<head>``."""

    def __init__(self, app, pages: Iterable[str], base_url: str | None = None,
                 src: str | None = None):
        self.app, self.pages = app, {p.strip("/") for p in pages}
        if base_url is None:
            from streamlit import config

            base_url = config.get_option("server.baseUrlPath") or ""
        self.base_url = base_url
        self.tag = early_tags(src or f"app/static/{plotly_js.served_name()}")

    def page(self, scope) -> str | None:
        path = relative_path(scope, self.base_url)
        return path.strip("/") if path is not None else None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" \
                or self.page(scope) not in self.pages:
            await self.app(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in DROPPED_REQUEST]
        await self.app({**scope, "headers": headers}, receive, self._rewriting(send))

    def _rewriting(self, send):
        """``send`` that holds a 200 HTML answer until its last part and adds the tag."""
        start, parts = None, []

        async def wrapped(message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                answer = {k.lower(): v for k, v in message.get("headers", [])}
                html = answer.get(b"content-type", b"").startswith(b"text/html")
                if message["status"] == 200 and html and b"content-encoding" not in answer:
                    start = message
                    return
            elif message["type"] == "http.response.body" and start is not None:
                parts.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(parts)
                changed = add_to_head(body, self.tag)
                headers = list(start.get("headers", []))
                if changed is not None:
                    body = changed
                    headers = [(k, v) for k, v in headers if k.lower() not in DROPPED_ANSWER]
                    headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        return wrapped
