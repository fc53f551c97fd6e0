"""A ``streamlit run app.py`` server for the benchmarks: started on a free local port with
the settings of ``make run`` (one BLAS thread), stopped with its whole process group; and
the one message a protocol client sends it (:func:`rerun_message`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_server(log: Path, options: list[str] = (),
                 script: str = "app.py") -> tuple[subprocess.Popen, str]:
    """``streamlit run <script>`` on a free local port, answering ``ok`` on /_stcore/health;
    ``options`` are extra ``KEY=VALUE`` config options (``runner.postScriptGC=false``);
    ``script`` is ``app.py`` (Streamlit's own server) or ``asgi.py`` (``make run``'s, with
    precompressed bundles). Returns the process and its URL; its output goes to ``log``."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
           "--server.address", "127.0.0.1", "--server.port", str(port),
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    cmd += [f"--{option}" for option in options]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return proc, url
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError(f"streamlit did not start:\n{log.read_text()}")


def rerun_message(url: str, query: str, states, *, page_hash: str = "", page_name: str = "",
                  click_id: str | None = None, fragment_id: str = "", path: str = "") -> bytes:
    """A ``BackMsg.rerun_script`` as Streamlit's frontend sends it: the page (its hash, or
    its URL name on the first visit), the query string, the widget ``states`` the page keeps,
    a button's trigger (``click_id``) and, for the ``st.fragment(run_every=…)`` timer, the
    fragment to rerun. ``path`` is the page's URL path after ``url``."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    msg = BackMsg()
    rerun = msg.rerun_script
    if page_name:
        rerun.page_name = page_name
    else:
        rerun.page_script_hash = page_hash
    rerun.query_string = query
    rerun.widget_states.widgets.extend(states)
    if click_id is not None:
        rerun.widget_states.widgets.append(WidgetState(id=click_id, trigger_value=True))
    if fragment_id:
        rerun.fragment_id = fragment_id
        rerun.is_auto_rerun = True
    rerun.context_info.locale = "en-US"
    rerun.context_info.timezone = "UTC"
    rerun.context_info.url = f"{url}/{path}"
    return msg.SerializeToString()


def stop(proc: subprocess.Popen, first: int = signal.SIGTERM) -> None:
    """End ``proc`` and its process group: ``first``, then SIGKILL."""
    for sig, wait in ((first, 10), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
