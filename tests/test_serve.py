"""serve/: Streamlit's bundles compressed once, and sent compressed where the browser accepts.

Two layers:

- the middleware in front of Streamlit's own static-file handler, on a small folder made
  here: each encoding is served where accepted and decodes to the plain file's bytes, with
  Streamlit's content type and cache headers; the plain file otherwise (no Accept-Encoding,
  a refused coding, a Range request, a path outside the index); the same in front of
  Streamlit's app static serving (``/app/static/``, the player's content-hashed plotly.js),
  cached for a year either way;
- ``streamlit run asgi.py`` (what ``make run`` and the image start), over HTTP: real bundles
  and plotly.js in each encoding, the plain file without one, and the security settings of
  .streamlit/config.toml still in force (XSRF, upload limit, the [client] options).
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import http.client
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from test_browser import streamlit_server

from figures import plotly_js
from figures.gates import FITS
from serve.__main__ import main as serve_main
from serve.early import EarlyScript, early_tags
from serve.precompressed import (
    ENCODINGS,
    Bundle,
    PrecompressedStatic,
    app_files,
    build,
    choose_encoding,
    ensure,
    static_dir,
)

brotli = pytest.importorskip("brotli", reason="brotli compresses the bundles (requirements.txt)")

ROOT = Path(__file__).resolve().parents[1]
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}
BUNDLE_JS = "static/js/app.3f9a.js"


# ---- choosing the encoding ---------------------------------------------------------------------

@pytest.mark.parametrize(("header", "available", "chosen"), [
    ("gzip, deflate, br, zstd", {"br", "gzip"}, "br"),    # Chromium on localhost / HTTPS
    ("gzip, deflate", {"br", "gzip"}, "gzip"),             # Chromium on plain-HTTP LAN addresses
    ("gzip, deflate, br", {"gzip"}, "gzip"),               # no br variant (it saved too little)
    ("", {"br", "gzip"}, None),
    ("identity", {"br", "gzip"}, None),
    ("br;q=0, gzip", {"br", "gzip"}, "gzip"),              # q=0 refuses
    ("gzip;q=1.0, br;q=0.5", {"br", "gzip"}, "gzip"),     # the client's weights first
    ("GZIP ; q=0.8", {"br", "gzip"}, "gzip"),
    ("*", {"br", "gzip"}, "br"),
    ("*;q=0, gzip", {"br", "gzip"}, "gzip"),
    ("deflate, compress", {"br", "gzip"}, None),
    ("br;q=bogus, gzip", {"br", "gzip"}, "gzip"),
])
def test_choose_encoding_follows_accept_encoding(header, available, chosen):
    assert choose_encoding(header, available) == chosen


# ---- the middleware on a small static folder ----------------------------------------------------

@pytest.fixture(scope="module")
def static(tmp_path_factory):
    """A Streamlit-like static folder: bundles, a manifest, index.html, a tiny file, a PNG."""
    root = tmp_path_factory.mktemp("static")
    (root / "static/js").mkdir(parents=True)
    (root / "static/css").mkdir()
    (root / "static/media").mkdir()
    (root / BUNDLE_JS).write_text("export const f = (x) => x * 2;\n" * 400)
    (root / "static/css/index.a1.css").write_text(".st { color: #0072B2; }\n" * 300)
    (root / "manifest.json").write_text(json.dumps({f"k{i}": {"file": f"v{i}"}
                                                    for i in range(200)}))
    (root / "index.html").write_text("<!doctype html>" + "<div></div>" * 500)
    (root / "static/js/tiny.js").write_text("export {};\n")
    (root / "static/media/logo.png").write_bytes(bytes(range(256)) * 40)
    return root


@pytest.fixture(scope="module")
def bundle(static, tmp_path_factory) -> Bundle:
    return ensure(static, tmp_path_factory.mktemp("cache"), quality=5)


def test_build_compresses_what_is_worth_it_and_decodes_to_the_same_bytes(static, bundle):
    assert set(bundle.files) == {BUNDLE_JS, "static/css/index.a1.css", "manifest.json"}, \
        "no index.html (Streamlit's page document), no tiny file, no PNG"
    for rel, variants in bundle.files.items():
        assert set(variants) == set(ENCODINGS)
        plain = (static / rel).read_bytes()
        for encoding, (path, stat) in variants.items():
            data = path.read_bytes()
            assert DECODE[encoding](data) == plain, (rel, encoding)
            assert stat.st_size == len(data) < len(plain)


def test_the_cache_is_made_once_and_named_by_content(static, bundle, tmp_path):
    assert ensure(static, bundle.root.parent, quality=5).root == bundle.root, "found, not rebuilt"
    changed = tmp_path / "static"
    build_dir = tmp_path / "cache"
    import shutil

    shutil.copytree(static, changed)
    (changed / BUNDLE_JS).write_text("export const g = 1;\n" * 400)
    other = ensure(changed, build_dir, quality=5)
    assert other.root.name != bundle.root.name, "new content, new folder"
    assert DECODE["gzip"](other.files[BUNDLE_JS]["gzip"][0].read_bytes()) == \
        (changed / BUNDLE_JS).read_bytes()


def test_a_build_never_overwrites_a_folder(static, tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(FileExistsError):
        build(static, tmp_path / "taken", quality=1)


def call(app, path: str, headers: dict[str, str] | None = None, method: str = "GET",
         root_path: str = "") -> tuple[int, dict[str, str], bytes]:
    """One HTTP request through an ASGI app: status, headers (lower-case), body."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "root_path": root_path, "query_string": b"", "server": ("127.0.0.1", 8501),
             "client": ("127.0.0.1", 5000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    sent, asked = [], []

    async def receive():  # the request's (empty) body, then nothing until the answer is sent
        asked.append(1)
        if len(asked) == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    out = {}
    for k, v in start["headers"]:
        out[k.decode().lower()] = v.decode("latin-1")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], out, body


@pytest.fixture(scope="module")
def streamlit_static(static):
    """Streamlit's own static-file handler (the inner app), on the small folder."""
    from streamlit.web.server.starlette.starlette_static_routes import (
        create_streamlit_static_handler,
    )

    return create_streamlit_static_handler(directory=str(static), base_url=None)


@pytest.fixture(scope="module")
def served(streamlit_static, bundle):
    return PrecompressedStatic(streamlit_static, bundle, base_url="")


@pytest.mark.parametrize("rel", [BUNDLE_JS, "static/css/index.a1.css", "manifest.json"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_each_encoding_is_served_where_accepted_with_streamlits_headers(
        served, streamlit_static, static, rel, encoding):
    status, headers, body = call(served, "/" + rel, {"Accept-Encoding": encoding})
    assert status == 200
    assert headers["content-encoding"] == encoding
    assert headers["vary"] == "Accept-Encoding"
    assert DECODE[encoding](body) == (static / rel).read_bytes()
    assert int(headers["content-length"]) == len(body) < (static / rel).stat().st_size
    _, plain, _ = call(streamlit_static, "/" + rel)  # Streamlit's own answer
    for name in ("content-type", "cache-control"):
        assert headers[name] == plain[name], name
    assert headers["etag"] != plain["etag"], "another representation, another validator"
    assert "accept-ranges" not in headers


def test_hashed_bundles_are_cached_for_a_year_and_the_manifest_is_revalidated(served):
    assert "immutable" in call(served, "/" + BUNDLE_JS, {"Accept-Encoding": "br"})[1][
        "cache-control"]
    assert call(served, "/manifest.json", {"Accept-Encoding": "br"})[1]["cache-control"] == \
        "no-cache"


@pytest.mark.parametrize("headers", [{}, {"Accept-Encoding": "identity"},
                                     {"Accept-Encoding": "deflate, zstd"},
                                     {"Accept-Encoding": "br;q=0, gzip;q=0"},
                                     {"Accept-Encoding": "br, gzip", "Range": "bytes=0-99"}])
def test_the_plain_file_is_served_otherwise(served, streamlit_static, static, headers):
    status, got, body = call(served, "/" + BUNDLE_JS, headers)
    _, plain, plain_body = call(streamlit_static, "/" + BUNDLE_JS, headers)
    assert status in (200, 206) and "content-encoding" not in got
    assert body == plain_body and body in (static / BUNDLE_JS).read_bytes()
    assert got["vary"] == "Accept-Encoding", "a shared cache keeps the variants apart"
    assert {k: v for k, v in got.items() if k != "vary"} == \
        {k: v for k, v in plain.items() if k not in ("vary", "date")} | \
        ({"date": got["date"]} if "date" in got else {})


def test_files_outside_the_index_go_to_streamlit_untouched(served, streamlit_static, static):
    for path in ("/static/js/tiny.js", "/static/media/logo.png", "/index.html", "/",
                 "/gates", "/static/js/../../../etc/passwd"):
        mine = call(served, path, {"Accept-Encoding": "br, gzip"})
        theirs = call(streamlit_static, path, {"Accept-Encoding": "br, gzip"})
        assert mine[0] == theirs[0] and mine[2] == theirs[2], path
        assert "content-encoding" not in mine[1], path


def test_head_sends_no_body_and_a_current_copy_gets_304(served):
    _, headers, _ = call(served, "/" + BUNDLE_JS, {"Accept-Encoding": "gzip"})
    status, head, body = call(served, "/" + BUNDLE_JS, {"Accept-Encoding": "gzip"}, "HEAD")
    assert status == 200 and body == b"" and head["content-length"] == headers["content-length"]
    status, _, body = call(served, "/" + BUNDLE_JS, {"Accept-Encoding": "gzip",
                                                     "If-None-Match": headers["etag"]})
    assert status == 304 and body == b""
    assert call(served, "/" + BUNDLE_JS, {"Accept-Encoding": "br",
                                          "If-None-Match": headers["etag"]})[0] == 200, \
        "the gzip variant's validator does not stand for the brotli one"


def test_other_methods_and_a_missing_bundle_pass_through(streamlit_static, bundle):
    from starlette.exceptions import HTTPException

    with pytest.raises(HTTPException) as refused:  # Streamlit's answer (its app makes it a 405)
        call(PrecompressedStatic(streamlit_static, bundle, base_url=""), "/" + BUNDLE_JS,
             {"Accept-Encoding": "br"}, "POST")
    assert refused.value.status_code == 405
    status, headers, _ = call(PrecompressedStatic(streamlit_static, None, base_url=""),
                              "/" + BUNDLE_JS, {"Accept-Encoding": "br"})
    assert status == 200 and "content-encoding" not in headers


def test_a_base_url_and_a_mount_prefix_are_understood(static, bundle):
    from streamlit.web.server.starlette.starlette_static_routes import (
        create_streamlit_static_handler,
    )

    inner = create_streamlit_static_handler(directory=str(static), base_url="lstm")
    served = PrecompressedStatic(inner, bundle, base_url="/lstm/")
    status, headers, body = call(served, "/lstm/" + BUNDLE_JS, {"Accept-Encoding": "br"})
    assert status == 200 and headers["content-encoding"] == "br"
    assert brotli.decompress(body) == (static / BUNDLE_JS).read_bytes()
    assert "content-encoding" not in call(served, "/other/" + BUNDLE_JS,
                                          {"Accept-Encoding": "br"})[1]
    mounted = PrecompressedStatic(inner, bundle, base_url="")
    headers = call(mounted, "/school/" + BUNDLE_JS, {"Accept-Encoding": "gzip"},
                   root_path="/school")[1]
    assert headers.get("content-encoding") == "gzip"


# ---- the app's own static files: plotly.js under a content-hashed name ---------------------------

PLOTLY_JS = "app/static/plotly.0123456789ab.min.js"
PLOTLY_FILE = PLOTLY_JS.rsplit("/", 1)[1]  # in the app's static/


@pytest.fixture(scope="module")
def app_folder(tmp_path_factory):
    """An app's folder: its main script and static/ with a (fake) content-hashed plotly.js."""
    root = tmp_path_factory.mktemp("app")
    (root / "app.py").write_text("")
    (root / "static").mkdir()
    (root / "static" / PLOTLY_FILE).write_text(
        "!function(){var Plotly={version:'3'};window.Plotly=Plotly}();\n" * 500)
    return root


@pytest.fixture(scope="module")
def app_static(app_folder):
    """Streamlit's own app static serving (server.enableStaticServing) for that folder."""
    from starlette.applications import Starlette
    from streamlit.web.server.starlette.starlette_routes import (
        create_app_static_serving_routes,
    )

    return Starlette(routes=create_app_static_serving_routes(str(app_folder / "app.py"), None))


@pytest.fixture(scope="module")
def app_served(app_static, app_folder, static, tmp_path_factory):
    extra = {PLOTLY_JS: app_folder / "static" / PLOTLY_FILE}
    bundle = ensure(static, tmp_path_factory.mktemp("app-cache"), quality=5, extra=extra)
    assert set(bundle.files[PLOTLY_JS]) == set(ENCODINGS)
    return PrecompressedStatic(app_static, bundle, base_url="")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_apps_plotly_js_is_served_compressed_and_cached_for_a_year(
        app_served, app_static, app_folder, encoding):
    status, headers, body = call(app_served, "/" + PLOTLY_JS, {"Accept-Encoding": encoding})
    plain = (app_folder / "static" / PLOTLY_FILE).read_bytes()
    assert status == 200 and headers["content-encoding"] == encoding
    assert DECODE[encoding](body) == plain and len(body) < len(plain) / 10
    assert headers["cache-control"] == "public, immutable, max-age=31536000"
    assert headers["vary"] == "Accept-Encoding"
    _, theirs, _ = call(app_static, "/" + PLOTLY_JS)  # Streamlit's own answer
    for name in ("content-type", "x-content-type-options", "access-control-allow-origin"):
        assert headers[name] == theirs[name], name
    assert "cache-control" not in theirs, "Streamlit would let the browser guess"
    status, _, body = call(app_served, "/" + PLOTLY_JS, {"Accept-Encoding": encoding,
                                                         "If-None-Match": headers["etag"]})
    assert status == 304 and body == b""


@pytest.mark.parametrize("headers", [{"Accept-Encoding": "identity"},
                                     {"Accept-Encoding": "br, gzip", "Range": "bytes=0-99"}])
def test_the_apps_plain_plotly_js_is_cached_for_a_year_too(app_served, app_folder, headers):
    status, got, body = call(app_served, "/" + PLOTLY_JS, headers)
    assert status in (200, 206) and "content-encoding" not in got
    assert body in (app_folder / "static" / PLOTLY_FILE).read_bytes()
    assert got["cache-control"] == "public, immutable, max-age=31536000"
    assert got["vary"] == "Accept-Encoding"


def test_a_missing_app_file_is_not_cached(app_served):
    """A plain request goes to Streamlit: where static/ lacks the file (it could not be
    written), Streamlit's 404 must not be kept for a year."""
    other = "app/static/plotly.ffffffffffff.min.js"
    served = PrecompressedStatic(app_served.app, Bundle(app_served.bundle.root, {
        other: app_served.bundle.files[PLOTLY_JS]}), base_url="")
    status, headers, _ = call(served, "/" + other, {"Accept-Encoding": "identity"})
    assert status == 404 and "immutable" not in headers.get("cache-control", "")
    assert headers["vary"] == "Accept-Encoding"
    status, headers, _ = call(app_served, "/app/static/other.js", {"Accept-Encoding": "br"})
    assert status == 404 and "content-encoding" not in headers, "only what the index names"


def test_new_plotly_js_content_makes_a_new_name_and_a_new_cache(static, app_folder, tmp_path):
    extra = {PLOTLY_JS: app_folder / "static" / PLOTLY_FILE}
    first = ensure(static, tmp_path, quality=1, extra=extra)
    changed = tmp_path / "changed.js"
    changed.write_text("window.Plotly = {version: '4'};\n" * 500)
    second = ensure(static, tmp_path, quality=1, extra={PLOTLY_JS: changed})
    assert first.root != second.root
    assert gzip.decompress(second.files[PLOTLY_JS]["gzip"][0].read_bytes()) == \
        changed.read_bytes()
    name = plotly_js.served_name()
    digest = hashlib.sha256(plotly_js.source().read_bytes()).hexdigest()[:12]
    assert name == f"plotly.{digest}.min.js"
    assert app_files() == {f"app/static/{name}": plotly_js.source()}


def test_python_m_serve_compresses_plotly_js_and_puts_it_into_static(tmp_path, capsys):
    assert serve_main(["--cache", str(tmp_path / "cache"), "--quality", "1",
                       "--app-static", str(tmp_path / "static")]) == 0
    copied = tmp_path / "static" / plotly_js.served_name()
    assert copied.read_bytes() == plotly_js.source().read_bytes()
    assert str(copied) in capsys.readouterr().out
    (root,) = (tmp_path / "cache").iterdir()
    bundle = Bundle.load(root)
    variants = bundle.files[f"app/static/{copied.name}"]
    assert brotli.decompress(variants["br"][0].read_bytes()) == copied.read_bytes()
    assert serve_main(["--cache", str(tmp_path / "cache"), "--quality", "1",
                       "--app-static", str(tmp_path / "static")]) == 0
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [root.name], "made once"


# ---- streamlit run asgi.py ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def asgi_server(tmp_path_factory):
    """``streamlit run asgi.py`` on a free port, as ``make run`` starts it (the first start on
    a machine compresses the bundles into the user's cache: up to a few minutes)."""
    with streamlit_server("asgi.py", tmp_path_factory.mktemp("asgi"), timeout=600) as url:
        yield url


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET",
        data: bytes | None = None):
    """(status, headers, body); HTTP errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def real_bundles() -> list[str]:
    """The page's entry bundle, its CSS and the Plotly chunk, as index.html names them."""
    html = (static_dir() / "index.html").read_text()
    entry = html.split('src="./', 1)[1].split('"', 1)[0]
    css = html.split('rel="stylesheet" crossorigin href="./', 1)[1].split('"', 1)[0]
    plotly = next((static_dir() / "static/js").glob("PlotlyChart.*.js")).relative_to(
        static_dir()).as_posix()
    return [entry, css, plotly]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_server_sends_each_encoding_of_the_real_bundles(asgi_server, encoding):
    for rel in real_bundles():
        status, headers, body = get(f"{asgi_server}/{rel}", {"Accept-Encoding": encoding})
        assert status == 200 and headers["Content-Encoding"] == encoding, rel
        assert headers["Vary"] == "Accept-Encoding"
        assert "immutable" in headers["Cache-Control"]
        assert DECODE[encoding](body) == (static_dir() / rel).read_bytes(), rel


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_server_sends_plotly_js_compressed_under_its_hashed_name(asgi_server, encoding):
    plotly_js.install(ROOT / "static")  # as the player does before it names the file
    url = f"{asgi_server}/app/static/{plotly_js.served_name()}"
    status, headers, body = get(url, {"Accept-Encoding": encoding})
    assert status == 200 and headers["Content-Encoding"] == encoding
    assert headers["Cache-Control"] == "public, immutable, max-age=31536000"
    assert headers["Vary"] == "Accept-Encoding"
    plain = get(url, {"Accept-Encoding": "identity"})[1]  # Streamlit's own answer
    assert headers["Content-Type"] == plain["Content-Type"]
    assert headers["X-Content-Type-Options"] == plain["X-Content-Type-Options"] == "nosniff"
    assert DECODE[encoding](body) == plotly_js.source().read_bytes()
    assert len(body) < 0.35 * plotly_js.source().stat().st_size


def test_the_server_sends_plain_plotly_js_without_accept_encoding(asgi_server):
    plotly_js.install(ROOT / "static")  # as the player does before it names the file
    status, headers, body = get(f"{asgi_server}/app/static/{plotly_js.served_name()}",
                                {"Accept-Encoding": "identity"})
    assert status == 200 and headers.get("Content-Encoding") is None
    assert headers["Cache-Control"] == "public, immutable, max-age=31536000"
    assert body == plotly_js.source().read_bytes()


def test_the_server_sends_the_plain_file_without_accept_encoding(asgi_server):
    for rel in real_bundles():
        status, headers, body = get(f"{asgi_server}/{rel}", {"Accept-Encoding": "identity"})
        assert status == 200 and headers.get("Content-Encoding") is None
        assert body == (static_dir() / rel).read_bytes()
    status, headers, body = get(f"{asgi_server}/gates", {"Accept-Encoding": "identity"})
    assert status == 200 and b'<div id="root">' in body, "pages still get index.html"


def test_the_security_settings_apply_through_the_asgi_entry(asgi_server):
    """XSRF on (a cookie with the health answer; an upload without the token is refused);
    uploads limited to server.maxUploadSize; the [client] options reach the browser."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    toml = __import__("tomllib" if sys.version_info >= (3, 11) else "tomli")  # 3.10: tomli
    config = toml.loads((ROOT / ".streamlit/config.toml").read_text())
    status, headers, _ = get(f"{asgi_server}/_stcore/health")
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    assert status == 200 and cookie.startswith("_streamlit_xsrf="), "XSRF protection is on"
    token = cookie.split("=", 1)[1]

    ws_url = asgi_server.replace("http", "ws", 1) + "/_stcore/stream"
    with connect(ws_url, subprotocols=["streamlit"], open_timeout=30, max_size=None) as ws:
        msg = BackMsg()
        msg.rerun_script.page_name = "gates"
        msg.rerun_script.query_string = ""
        ws.send(msg.SerializeToString())
        session, uploader = None, None
        while uploader is None:
            forward = ForwardMsg()
            forward.ParseFromString(ws.recv(timeout=120))
            if forward.WhichOneof("type") == "new_session":
                session = forward.new_session
            elif forward.WhichOneof("type") == "delta" and \
                    forward.delta.new_element.WhichOneof("type") == "file_uploader":
                uploader = forward.delta.new_element.file_uploader
        limit = config["server"]["maxUploadSize"]
        assert uploader.max_upload_size_mb == limit
        assert session.config.hide_sidebar_nav is not config["client"]["showSidebarNavigation"]
        assert session.config.toolbar_mode == session.config.MINIMAL
        upload = f"{asgi_server}/_stcore/upload_file/{session.initialize.session_id}/f1"
        assert get(upload, {"Content-Type": "application/octet-stream"}, "PUT",
                   b"small")[0] == 403, "no XSRF token: refused"
        # An upload that says it is over the limit is refused before its body is read.
        host = urllib.parse.urlsplit(asgi_server)
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        conn.putrequest("PUT", urllib.parse.urlsplit(upload).path)
        for name, value in {"Cookie": cookie, "X-Xsrftoken": token,
                            "Content-Type": "application/octet-stream",
                            "Content-Length": str((limit + 2) * 1024 * 1024)}.items():
            conn.putheader(name, value)
        conn.endheaders()
        assert conn.getresponse().status == 413, "over server.maxUploadSize"
        conn.close()


def test_the_vendored_plotly_js_is_the_recorded_cartesian_bundle():
    """figures/vendor/plotly-cartesian.min.js is npm's plotly.js-cartesian-dist-min, as its
    README records: the same bytes, a MIT licence beside it."""
    body = plotly_js.source().read_bytes()
    assert hashlib.sha256(body).hexdigest() == plotly_js.VENDORED_SHA256
    assert body.startswith(b"/**\n* plotly.js (cartesian - minified) v")
    assert "MIT License" in (plotly_js.source().parent / "LICENSE.plotly.js").read_text()


@pytest.mark.parametrize("fit", sorted(FITS))
def test_the_player_draws_only_traces_the_vendored_bundle_has(fit):
    from figures.gates import player_figures
    from lstm_viz import LSTM
    from lstm_viz.inputs import encode

    seq = encode("the cat sat on the mat", "words", seed=0)
    trace = LSTM.random(seq.x.shape[1], 4, seed=0).run(seq.x)
    figures = player_figures(trace, seq.tokens, lang="en", fit=FITS[fit])
    types = {t.type for fig in figures for t in fig.data}
    assert types <= plotly_js.TRACES and types >= {"scatter", "heatmap"}, types


# ---- the gates page asks for plotly.js at once (serve/early.py) ----------------------------

PAGE = (b"<!DOCTYPE html><html><head><title>Streamlit</title></head>"
        b"<body><div id=\"root\"></div></body></html>")


def html_app(body: bytes = PAGE, status: int = 200, kind: str = "text/html; charset=utf-8",
             encoding: str | None = None, parts: int = 2):
    """A stand-in for Streamlit's index.html answer, in ``parts`` body messages; it keeps
    the request headers it was given in ``app.seen``."""

    async def app(scope, receive, send):
        app.seen = dict(scope["headers"])
        headers = [(b"content-type", kind.encode()), (b"content-length", str(len(body)).encode()),
                   (b"etag", b'"abc"'), (b"last-modified", b"Sun, 06 Dec 2026 07:05:12 GMT"),
                   (b"cache-control", b"no-cache")]
        if encoding:
            headers.append((b"content-encoding", encoding.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        cut = len(body) // parts
        for k in range(parts):
            chunk = body[k * cut:] if k == parts - 1 else body[k * cut:(k + 1) * cut]
            await send({"type": "http.response.body", "body": chunk,
                        "more_body": k < parts - 1})

    return app


def test_the_gates_page_preloads_the_players_plotly_js():
    inner = html_app()
    status, headers, body = call(EarlyScript(inner, pages=["gates"], base_url=""), "/gates",
                                 {"Accept-Encoding": "gzip, br", "If-None-Match": '"abc"'})
    tags = early_tags(f"app/static/{plotly_js.served_name()}")
    assert status == 200 and body == PAGE.replace(b"</head>", tags + b"\n  </head>")
    preload = f'<link rel="preload" href="app/static/{plotly_js.served_name()}" as="script" />'
    assert tags.startswith(preload.encode())
    # the script runs the player's own loader (one function for both) on the same file
    assert plotly_js.loader().encode() in tags
    assert f'loadPlotly("app/static/{plotly_js.served_name()}")'.encode() in tags
    assert headers["content-length"] == str(len(body))
    assert "etag" not in headers and "last-modified" not in headers, "validators were Streamlit's"
    assert headers["cache-control"] == "no-cache"
    assert b"accept-encoding" not in inner.seen and b"if-none-match" not in inner.seen


@pytest.mark.parametrize(("path", "base_url", "root_path"), [
    ("/gates/", "", ""), ("/course/gates", "course", ""), ("/proxy/gates", "", "/proxy")])
def test_the_page_is_found_under_a_base_url_or_root_path(path, base_url, root_path):
    app = EarlyScript(html_app(), pages=["gates"], base_url=base_url)
    assert b'rel="preload"' in call(app, path, root_path=root_path)[2]


@pytest.mark.parametrize(("path", "method", "inner"), [
    ("/params", "GET", html_app()),                        # another page
    ("/", "GET", html_app()),                              # the home page
    ("/gates", "HEAD", html_app()),                        # not a GET
    ("/gates", "GET", html_app(status=404)),               # not a success
    ("/gates", "GET", html_app(kind="application/json")),  # not HTML
    ("/gates", "GET", html_app(encoding="gzip")),          # already encoded
    ("/gates", "GET", html_app(body=b"<p>no head</p>")),   # nowhere to put it
])
def test_anything_else_passes_through_untouched(path, method, inner):
    status, headers, body = call(EarlyScript(inner, pages=["gates"], base_url=""), path,
                                 method=method)
    assert b'rel="preload"' not in body
    assert headers["etag"] == '"abc"' and headers["content-length"] == str(len(body))


def test_the_served_gates_page_preloads_a_file_the_server_has(asgi_server):
    status, headers, body = get(f"{asgi_server}/gates?lang=zh", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") is None
    href = f"app/static/{plotly_js.served_name()}"
    assert f'<link rel="preload" href="{href}" as="script" />'.encode() in body
    assert b'<div id="root">' in body
    assert get(f"{asgi_server}/{href}")[0] == 200
    assert b'rel="preload" href="app/static' not in get(f"{asgi_server}/params")[2]
