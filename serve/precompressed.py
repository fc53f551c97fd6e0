"""Streamlit's frontend bundles, compressed once and served as the browser accepts them.

Two halves:

- :func:`ensure` compresses every compressible file of Streamlit's static folder (JS, CSS,
  JSON, SVG) with gzip and brotli, once, into a cache folder named after the files' content
  (``<cache>/<sha256 prefix>/static/js/x.js.br``), with an ``index.json`` of what it made.
  A new Streamlit version has new content, so a new folder; nothing is compressed per request.
  ``extra`` files join the same folder under the URL path they are served at: the app's own
  plotly.js (:func:`app_files`, ``app/static/plotly.<hash>.min.js``), which Streamlit's
  static serving (``server.enableStaticServing``) would otherwise gzip on every request.
- :class:`PrecompressedStatic`, an ASGI middleware in front of Streamlit's app: a GET or HEAD
  for one of those files gets the best variant its ``Accept-Encoding`` allows, with
  ``Content-Encoding`` and ``Vary: Accept-Encoding`` and Streamlit's own content type and
  cache headers; anything else (another path, no acceptable encoding, a ``Range`` request)
  goes to Streamlit untouched, its static answers marked ``Vary: Accept-Encoding`` too. A
  file of the app's ``static/`` folder in the index has a content-hashed name, so it is
  cached for a year like Streamlit's bundles, compressed or not.

Only paths in the index are ever answered here (a dictionary look-up, no path built from the
request), so the middleware adds no way to reach a file Streamlit would not serve.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ENCODINGS = ("br", "gzip")  # the server's preference, smallest first
SUFFIX = {"br": ".br", "gzip": ".gz"}
COMPRESSIBLE = (".js", ".mjs", ".css", ".json", ".svg", ".map", ".txt")
MIN_SIZE = 1024  # bytes: below this a compressed answer saves less than its headers cost
MIN_SAVING = 0.9  # keep a variant only if it is at most 90 % of the plain file
BROTLI_QUALITY = 11  # the densest; ~30 s for Streamlit's 23 MB on two cores, once
GZIP_LEVEL = 9
# Streamlit's rule (web/server/starlette/starlette_static_routes.py): HTML and manifest.json
# are revalidated, the content-hashed bundles are cached for a year.
NO_CACHE = re.compile(r"(?:\.html$|^manifest\.json$)")
CACHE_FOREVER = "public, immutable, max-age=31536000"
INDEX = "index.json"
APP_STATIC = "app/static/"  # Streamlit's URL for the app's static/ folder (enableStaticServing)
# Streamlit's own headers on an app/static/ answer (starlette_routes.py), kept on ours
APP_STATIC_HEADERS = {"access-control-allow-origin": "*", "x-content-type-options": "nosniff"}


# ---- making the variants ---------------------------------------------------------------------

def static_dir() -> Path:
    """Streamlit's frontend folder (index.html, static/js, static/css, …)."""
    from streamlit import file_util

    return Path(file_util.get_static_dir())


def default_cache_root() -> Path:
    """``$LSTM_VIZ_STATIC_CACHE``, else ``$XDG_CACHE_HOME/lstm-viz/static`` (or ~/.cache)."""
    if os.environ.get("LSTM_VIZ_STATIC_CACHE"):
        return Path(os.environ["LSTM_VIZ_STATIC_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lstm-viz" / "static"


def compressible(source: Path) -> list[str]:
    """Relative POSIX paths of the files worth compressing (not index.html: Streamlit sends
    it for every page URL, and it is 8 kB)."""
    return sorted(p.relative_to(source).as_posix() for p in source.rglob("*")
                  if p.is_file() and p.suffix in COMPRESSIBLE and p.stat().st_size >= MIN_SIZE)


def app_files() -> dict[str, Path]:
    """The app's own files to send compressed, by URL path: plotly.js for the gates player,
    under its content-hashed name (figures/plotly_js.py)."""
    from figures import plotly_js

    return {APP_STATIC + plotly_js.served_name(): plotly_js.source()}


def sources(source: Path, extra: Mapping[str, Path] | None = None) -> dict[str, Path]:
    """Every file to compress, by its path relative to the server's root: ``source``'s
    compressible files, and ``extra``."""
    return {rel: source / rel for rel in compressible(source)} | dict(extra or {})


def fingerprint(files: Mapping[str, Path]) -> str:
    """A name for this exact content: sha256 over every file's path and bytes."""
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode() + b"\0" + files[rel].read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def _compress(job: tuple[str, str, str, int]) -> tuple[str, dict[str, int]]:
    """Write ``rel``'s variants that save enough; return their sizes by encoding."""
    import brotli

    path, dest, rel, quality = job
    plain = Path(path).read_bytes()
    made = {"br": brotli.compress(plain, quality=quality),
            "gzip": gzip.compress(plain, compresslevel=GZIP_LEVEL, mtime=0)}
    sizes = {}
    for encoding, data in made.items():
        if len(data) <= MIN_SAVING * len(plain):
            target = Path(dest) / (rel + SUFFIX[encoding])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            sizes[encoding] = len(data)
    return rel, sizes


def build(source: Path, dest: Path, quality: int = BROTLI_QUALITY,
          workers: int | None = None,
          extra: Mapping[str, Path] | None = None) -> dict[str, dict[str, int]]:
    """Compress ``source``'s compressible files and ``extra`` into ``dest`` (which must not
    exist yet) and write its ``index.json``: {relative path: {encoding: compressed size}}."""
    files = sources(source, extra)
    dest.mkdir(parents=True)
    # the largest first (plotly.js: ~25 s at brotli 11), so it does not start last
    jobs = [(str(files[rel]), str(dest), rel, quality)
            for rel in sorted(files, key=lambda rel: -files[rel].stat().st_size)]
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        index = dict(pool.map(_compress, jobs, chunksize=1))
    index = {rel: sizes for rel, sizes in sorted(index.items()) if sizes}
    (dest / INDEX).write_text(json.dumps({"source": str(source), "files": index}, indent=0))
    return index


@dataclass(frozen=True)
class Bundle:
    """One compressed copy of Streamlit's static folder.

    ``files`` maps a path relative to the static folder (``static/js/x.js``) to its
    variants, encoding → (file, its stat)."""

    root: Path
    files: Mapping[str, Mapping[str, tuple[Path, os.stat_result]]]

    @classmethod
    def load(cls, root: Path) -> Bundle:
        index = json.loads((root / INDEX).read_text())["files"]
        files = {}
        for rel, sizes in index.items():
            variants = {}
            for encoding in sizes:
                path = root / (rel + SUFFIX[encoding])
                variants[encoding] = (path, path.stat())
            files[rel] = variants
        return cls(root, files)


def ensure(source: Path | None = None, cache_root: Path | None = None,
           quality: int = BROTLI_QUALITY, extra: Mapping[str, Path] | None = None) -> Bundle:
    """The bundle for ``source`` (Streamlit's static folder) and ``extra`` (URL path → file),
    made now if it is not in ``cache_root`` yet. Safe when two servers start at once: each
    builds in a folder of its own and renames it into place; the first rename wins. Raises
    OSError if the cache cannot be written."""
    source = source or static_dir()
    cache_root = cache_root or default_cache_root()
    target = cache_root / fingerprint(sources(source, extra))
    if not (target / INDEX).is_file():
        cache_root.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=cache_root))
        try:
            build(source, scratch / "bundle", quality, extra=extra)
            try:
                os.rename(scratch / "bundle", target)
            except OSError:  # another process got there first
                if not (target / INDEX).is_file():
                    raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return Bundle.load(target)


def ensure_app(cache_root: Path | None = None, quality: int = BROTLI_QUALITY) -> Bundle:
    """What ``streamlit run asgi.py`` serves compressed: Streamlit's bundles and
    :func:`app_files`."""
    return ensure(static_dir(), cache_root, quality, extra=app_files())


# ---- serving them ----------------------------------------------------------------------------

def accepted(header: str) -> dict[str, float]:
    """``Accept-Encoding`` as {coding: q}, lower-cased (``gzip;q=0.5, br`` → …)."""
    out = {}
    for part in header.split(","):
        coding, *params = (p.strip() for p in part.split(";"))
        if not coding:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        out[coding.lower()] = q
    return out


def choose_encoding(header: str, available) -> str | None:
    """The encoding to send: of ``available``, the one the client weighs highest (ties go to
    the server's order, brotli first); None for the plain file. ``*`` stands for any coding
    the header does not name; ``q=0`` refuses."""
    weights = accepted(header)
    best, best_q = None, 0.0
    for encoding in ENCODINGS:
        if encoding not in available:
            continue
        q = weights.get(encoding, weights.get("*", 0.0))
        if q > best_q:
            best, best_q = encoding, q
    return best


def content_type(rel: str) -> str:
    """As Starlette's FileResponse names it (``text/javascript; charset=utf-8``)."""
    kind = mimetypes.guess_type(rel)[0] or "text/plain"
    return kind + "; charset=utf-8" if kind.startswith("text/") else kind


def cache_control(rel: str) -> str:
    return "no-cache" if NO_CACHE.search(rel) else CACHE_FOREVER


def own_headers(rel: str) -> dict[str, str]:
    """Headers Streamlit's own answer for ``rel`` has that ours must keep."""
    return dict(APP_STATIC_HEADERS) if rel.startswith(APP_STATIC) else {}


def _strip(path: str, prefix: str) -> str | None:
    """``path`` without the path segment(s) ``prefix``, or None if it is not under it."""
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    if not prefix:
        return path
    if path == prefix or path.startswith(prefix + "/"):
        return path[len(prefix):]
    return None


def relative_path(scope, base_url: str) -> str | None:
    """The request's path below the server's root path and ``base_url`` (``static/js/x.js``,
    ``gates``), or None if it lies elsewhere."""
    path = _strip(scope.get("path", ""), scope.get("root_path", ""))
    path = _strip(path, base_url) if path is not None else None
    return path[1:] if path and path.startswith("/") else None


class PrecompressedStatic:
    """ASGI middleware: Streamlit's static files from ``bundle`` where the client accepts
    br or gzip; everything else from ``app``. With ``bundle=None`` it only passes through."""

    def __init__(self, app, bundle: Bundle | None, base_url: str | None = None):
        self.app, self.bundle = app, bundle
        if base_url is None:
            from streamlit import config

            base_url = config.get_option("server.baseUrlPath") or ""
        self.base_url = base_url

    def relative(self, scope) -> str | None:
        """The request's path relative to Streamlit's static mount (``static/js/x.js``)."""
        return relative_path(scope, self.base_url)

    async def __call__(self, scope, receive, send) -> None:
        from starlette.datastructures import Headers

        if scope["type"] != "http" or self.bundle is None or scope["method"] not in ("GET",
                                                                                     "HEAD"):
            await self.app(scope, receive, send)
            return
        rel = self.relative(scope)
        variants = self.bundle.files.get(rel)
        if variants is None:
            await self.app(scope, receive, send)
            return
        request = Headers(scope=scope)
        encoding = None if "range" in request else \
            choose_encoding(request.get("accept-encoding", ""), variants)
        if encoding is None:  # Streamlit's plain answer; an app file's is cached like ours
            cached = {"cache-control": cache_control(rel)} if rel.startswith(APP_STATIC) else {}
            await self.app(scope, receive, _with_vary(send, cached))
            return
        await self.response(rel, *variants[encoding], encoding, request)(scope, receive, send)

    @staticmethod
    def response(rel: str, path: Path, stat: os.stat_result, encoding: str, request):
        """The variant's answer, or 304 when the client's copy is current."""
        from starlette.responses import FileResponse
        from starlette.staticfiles import NotModifiedResponse, StaticFiles

        answer = FileResponse(path, stat_result=stat, media_type=content_type(rel),
                              headers={"cache-control": cache_control(rel),
                                       "content-encoding": encoding,
                                       "vary": "Accept-Encoding", **own_headers(rel)})
        del answer.headers["accept-ranges"]  # a Range request gets the plain file instead
        if StaticFiles.is_not_modified(None, answer.headers, request):
            return NotModifiedResponse(answer.headers)
        return answer


def _with_vary(send, cached: Mapping[str, str] | None = None):
    """``send`` that adds ``Vary: Accept-Encoding`` to the response's headers: a shared cache
    must not hand this plain answer to a client that accepts a compressed one, or back.
    ``cached`` headers replace the answer's own on a success (200, 206, 304) only: a 404
    must not be kept for a year."""

    async def wrapped(message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            vary = [v for k, v in headers if k.lower() == b"vary"]
            value = b", ".join([*vary, b"Accept-Encoding"])
            replaced = {b"vary"}
            added = [(b"vary", value)]
            if message["status"] in (200, 206, 304):
                replaced |= {k.encode() for k in cached or {}}
                added += [(k.encode(), v.encode()) for k, v in (cached or {}).items()]
            headers = [(k, v) for k, v in headers if k.lower() not in replaced]
            message = {**message, "headers": [*headers, *added]}
        await send(message)

    return wrapped
