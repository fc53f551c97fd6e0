"""Shared test helpers: open a page of the app in Streamlit's AppTest."""

import base64
import importlib.util
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

from ui import nav

# CI runs the same examples every time (a landing must not hinge on a lucky draw);
# locally hypothesis explores new ones on every run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
# Each page's script by its short name (ui.nav); the home page is app.py itself (None).
PAGES = {p.name: None if p.file == "app.py" else p.file for p in nav.PAGES}


def open_page(page: str, **query):
    """Run ``page`` as a learner arriving with ``?key=value…`` in the URL (an AppTest)."""
    from streamlit.testing.v1 import AppTest  # imported here: the core's tests need no streamlit

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = str(value)
    if PAGES[page]:
        at.switch_page(PAGES[page])
    return at.run()


def count_calls(monkeypatch, module, names) -> list[str]:
    """Wrap each function ``names`` of ``module`` so that every call records its name in the
    list returned, then runs as before (how many figures a page run built, say)."""
    calls = []
    for name in names:
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _real=real, _name=name, **k:
                            calls.append(_name) or _real(*a, **k))
    return calls


def assert_clean(at) -> None:
    """No exception reached the learner."""
    assert not at.exception, [e.value for e in at.exception]


def plotly_specs(at) -> list[dict]:
    import json

    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def decode(array):
    """A Plotly ≥ 6 typed array ({dtype, bdata, shape}) or a plain list, as an ndarray."""
    if isinstance(array, dict) and "bdata" in array:
        out = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        return out.reshape([int(n) for n in str(array.get("shape", len(out))).split(",")])
    return np.asarray(array)


@pytest.fixture
def page():
    return open_page


@pytest.fixture(autouse=True, scope="session")
def class_database(tmp_path_factory):
    """Live classes made by the tests go to a file of this test session, never to the
    learner's ~/.cache/lstm-viz (a test may set its own LSTM_VIZ_DATABASE_URL)."""
    before = os.environ.get("LSTM_VIZ_DATABASE_URL")
    url = f"sqlite:///{tmp_path_factory.mktemp('classes') / 'classes.sqlite3'}"
    os.environ["LSTM_VIZ_DATABASE_URL"] = url
    yield url
    if before is None:
        os.environ.pop("LSTM_VIZ_DATABASE_URL", None)
    else:
        os.environ["LSTM_VIZ_DATABASE_URL"] = before


# ---- the one headless Chromium of a test session ---------------------------------------
# Playwright's sync API runs one event loop per process, so every browser test shares it.

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}


def chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install playwright)"
    if chromium_path() is None:
        return ("no Chromium: /usr/bin/chromium is missing and `chromium` is not on PATH "
                "(apt-get install -y chromium)")
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path; skips the test without it, or fails it when CI requires browsers."""
    reason = missing_browser()
    if reason is not None:
        if os.environ.get("LSTM_VIZ_REQUIRE_BROWSER") == "1":
            pytest.fail(f"LSTM_VIZ_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return chromium_path()


@pytest.fixture(scope="module")
def browser(chromium):
    """One Chromium per test module, with one English-locale context: its tabs share the cache
    of Plotly's JS. Per module, not per session: Playwright's sync API keeps its event loop
    marked as running while it is open, and later modules call ``asyncio.run``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = chrome.new_context(viewport=VIEWPORT, locale="en-US")
        yield context
        context.close()
        chrome.close()


# ---- a throw-away PostgreSQL server for the class storage tests --------------------------
# Debian's postgresql package puts initdb and pg_ctl in /usr/lib/postgresql/<version>/bin.
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user
# (the package makes it) or to `nobody`, in a temporary folder that user owns.

def postgres_bin() -> Path | None:
    """The folder of the newest PostgreSQL's initdb and pg_ctl, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                   key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _as_user(user: str | None, command: list[str]) -> list[str]:
    return command if user is None else ["runuser", "-u", user, "--", *command]


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a PostgreSQL server started for this test session (stopped after it);
    skips without PostgreSQL, or fails when LSTM_VIZ_REQUIRE_POSTGRES=1 (CI)."""
    import pwd
    import socket
    import subprocess
    import tempfile

    bin_dir = postgres_bin()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        reason = "no PostgreSQL: initdb/pg_ctl not found (apt-get install -y postgresql)"
        if os.environ.get("LSTM_VIZ_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"LSTM_VIZ_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    user = None
    folder = Path(tempfile.mkdtemp(prefix="lstm-viz-pg-"))  # in /tmp: any user reaches it
    if os.geteuid() == 0:
        user = "postgres" if "postgres" in {p.pw_name for p in pwd.getpwall()} else "nobody"
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    data = folder / "data"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        subprocess.run(_as_user(user, [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                                       "-U", "lstm", "-E", "UTF8", "--no-sync"]),
                       check=True, capture_output=True)
        subprocess.run(_as_user(user, [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                                       "-l", str(folder / "log"), "-w", "start"]),
                       check=True, capture_output=True)
    except subprocess.CalledProcessError as err:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {err.stderr.decode(errors='replace')}",
                    pytrace=False)
    try:
        yield f"postgresql+psycopg://lstm@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_user(user, [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                       "-w", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server, request):
    """A fresh, empty database on the session's PostgreSQL server, for one test."""
    import psycopg

    name = f"t{abs(hash(request.node.nodeid)) % 10**9}_{os.getpid()}"
    with psycopg.connect(postgres_server.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return postgres_server.rsplit("/", 1)[0] + f"/{name}"
