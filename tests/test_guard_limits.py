"""Issue 14, items 1, 4 and 5: what the server keeps is bounded in bytes, one view's work is
bounded, and numbers that overflow get a message instead of a crash.

``ui/cache.py`` (the byte-budgeted cache every cached function of ``ui/compute.py`` and
``ui/share.py`` draws on), ``lstm_viz/limits.py`` and ``ui/limits.py``.
"""

from __future__ import annotations

import ast
import io
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import assert_clean, open_page

from lstm_viz import LSTM
from lstm_viz.inputs import InputError
from lstm_viz.limits import MAX_WORK, check_work, first_nonfinite, max_steps
from text.i18n import tr
from ui import cache
from ui.cache import MB, ByteCache, budget_bytes, cached, size_of

ROOT = Path(__file__).resolve().parents[1]


# ---- the cache: bytes, not entries ---------------------------------------------------------

def test_the_cache_holds_at_most_its_budget_in_bytes_least_recent_out_first():
    store = ByteCache(10 * MB)

    @cached(cache=store)
    def block(n: int):
        return np.full(MB // 8, float(n))  # 1 MB each

    for n in range(30):
        block(n)
        assert store.used <= store.budget
    assert 8 <= len(store) <= 9  # 1 MB and a little each
    first = block(29)
    assert block(29) is first  # kept: the same object, no copy
    block(0)  # long gone: computed again
    assert store.used <= store.budget


def test_a_result_larger_than_a_quarter_of_the_budget_is_not_kept():
    store = ByteCache(8 * MB)
    calls = []

    @cached(cache=store)
    def big(n: int):
        calls.append(n)
        return np.zeros(3 * MB // 8)  # 3 MB > 8 MB / 4

    big(1), big(1)
    assert calls == [1, 1] and len(store) == 0


def test_underscore_arguments_are_not_part_of_the_key_and_defaults_are():
    store = ByteCache(MB)
    calls = []

    @cached(cache=store)
    def f(a: int, b: int = 2, _c=None):
        calls.append((a, b))
        return a + b

    assert f(1) == f(1, 2) == f(1, b=2, _c=object()) == 3
    assert calls == [(1, 2)]


def test_results_are_shared_read_only():
    store = ByteCache(MB)

    @cached(cache=store)
    def trace(seed: int):
        return LSTM.random(2, 3, seed=seed).run(np.ones((4, 2)))

    with pytest.raises(ValueError, match="read-only"):
        trace(0).h[0, 0] = 1.0


def test_two_sessions_asking_at_once_compute_once():
    store = ByteCache(MB)
    calls = []

    @cached(cache=store)
    def slow(n: int):
        calls.append(n)
        time.sleep(0.3)
        return n

    threads = [threading.Thread(target=slow, args=(7,)) for _ in range(5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert calls == [7]


def test_an_exception_is_not_kept():
    store = ByteCache(MB)
    calls = []

    @cached(cache=store)
    def bad(n: int):
        calls.append(n)
        raise ValueError("no")

    for _ in range(2):
        with pytest.raises(ValueError):
            bad(1)
    assert calls == [1, 1]


def test_size_of_counts_arrays_once_and_figures_by_their_data():
    a = np.zeros(1000)
    assert 8000 <= size_of((a, a, a[:10])) < 9000
    import plotly.graph_objects as go

    fig = go.Figure(go.Heatmap(z=np.zeros((100, 100))))
    assert size_of(fig) >= 80_000


def test_the_budget_follows_the_servers_memory(monkeypatch):
    monkeypatch.delenv("LSTM_VIZ_CACHE_MB", raising=False)
    assert budget_bytes(1 << 30) == (1024 * MB - 300 * MB - 35 * 10 * MB) // 2  # a 1 GiB pod
    assert budget_bytes(512 * MB) == 32 * MB  # the floor
    assert budget_bytes(64 << 30) == 192 * MB  # the ceiling
    monkeypatch.setenv("LSTM_VIZ_CACHE_MB", "50")
    assert budget_bytes() == 50 * MB
    for bad in ("lots", "inf", "nan"):  # a typo never stops the server: the formula
        monkeypatch.setenv("LSTM_VIZ_CACHE_MB", bad)
        assert budget_bytes(64 << 30) == 192 * MB


def test_every_cached_function_of_the_pages_draws_on_the_byte_budget():
    """No count-bounded Streamlit cache is left in ui/compute.py and ui/share.py (the one
    ``st.cache_resource`` kept is the demo models: four small, read-only models)."""
    for name in ("ui/compute.py", "ui/share.py"):
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for d in node.decorator_list:
                    text = ast.unparse(d)
                    if "cache_data" in text or "cache_resource" in text:
                        assert node.name == "demo", (name, node.name, text)


def test_many_distinct_largest_stacked_views_stay_within_the_budget(monkeypatch):
    from ui import compute

    monkeypatch.setattr(cache.shared, "budget", 64 * MB)
    cache.shared.clear()
    units = (256,) * 8
    text = "x" * max_steps(units)
    for seed in range(6):
        run = compute.stack_run(text, "chars", units, seed, 16)
        assert run.trace.top.steps == max_steps(units)
        assert cache.shared.used <= 64 * MB
    cache.shared.clear()


# ---- the garbage of finished runs: collected when the server grows ---------------------------

def test_a_collection_is_due_after_growth_from_the_lowest_point_and_a_pause():
    c = cache.Collector(growth=100, pause=2.0)
    assert not c.due(1000, 0.0)    # the first reading is the floor
    assert not c.due(1099, 1.0)
    assert not c.due(900, 1.5)     # memory freed: growth counts from here
    assert not c.due(999, 2.0)
    assert c.due(1000, 3.0)        # 100 above the lowest point
    c._last = 3.0                  # as run() does after collecting
    assert not c.due(1200, 4.0)    # within the pause
    assert c.due(1200, 5.0)


def test_the_collector_frees_a_finished_runs_cycle_that_python_would_keep():
    """A page's globals and its functions form a cycle; with Python's automatic collection
    off (as its gen-2 threshold effectively is on a big server), only the collector frees
    the 32 MB the cycle holds."""
    import gc
    import types
    import weakref

    class Globals(dict):  # a dict that a weak reference can follow
        pass

    readings = iter([0, 0, 40 * MB, 40 * MB, 0, 0, 0, 0] + [0] * 1000)
    collector = cache.Collector(growth=16 * MB, every=0.01, pause=0.0,
                                resident=lambda: next(readings))
    gc.disable()
    try:
        run = Globals(trace=np.ones(4 * MB))  # 32 MB
        run["show"] = types.FunctionType((lambda: None).__code__, run)  # __globals__ is run
        gone = weakref.ref(run)
        del run
        assert gone() is not None         # refcounting alone cannot free a cycle
        collector.start()
        deadline = time.monotonic() + 10
        while (gone() is not None or not collector.collections) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert gone() is None and collector.collections >= 1
    finally:
        collector.halt.set()
        gc.enable()


def test_the_collectors_growth_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("LSTM_VIZ_GC_MB", raising=False)
    assert cache.collector_growth() == cache.GROWTH == 128 * MB
    monkeypatch.setenv("LSTM_VIZ_GC_MB", "64")
    assert cache.collector_growth() == 64 * MB
    monkeypatch.setenv("LSTM_VIZ_GC_MB", "0")
    assert cache.collector_growth() == 0   # off
    for bad in ("lots", "nan", "inf"):
        monkeypatch.setenv("LSTM_VIZ_GC_MB", bad)
        assert cache.collector_growth() == cache.GROWTH


def test_a_page_starts_the_servers_one_collector():
    open_page("params")
    collector = cache.start_collector()
    assert isinstance(collector, cache.Collector) and collector.is_alive()
    assert cache.start_collector() is collector
    assert cache.resident_bytes() > 10 * MB
    cache.release_freed()  # glibc here: returns; elsewhere a no-op


def test_a_server_started_with_freeze_skips_what_it_loaded_in_every_collection():
    """asgi.py's lifespan: the modules loaded before any session are frozen, so a full
    collection need not walk them. In a process of its own: a frozen pytest would hide
    objects from the other tests' gc.get_objects()."""
    import os
    import subprocess
    import sys

    code = ("import gc, time\n"
            "import ui.preload\n"
            "from ui import cache\n"
            "c = cache.start_collector(freeze=True)\n"
            "assert c.is_alive() and cache.start_collector() is c\n"
            "t = time.perf_counter(); gc.collect(); took = time.perf_counter() - t\n"
            "print(gc.get_freeze_count(), took)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env={**os.environ,
                                                      "LSTM_VIZ_GC_MB": "128"})
    assert out.returncode == 0, out.stderr
    frozen, took = out.stdout.split()
    assert int(frozen) > 50_000      # pandas, Plotly, Streamlit, NumPy
    assert float(took) < 0.05        # a full collection walks only what came after


# ---- the work of one view ---------------------------------------------------------------------

def test_work_limit_message_says_the_limit_and_how_to_stay_under():
    check_work(500, (256, 256))
    with pytest.raises(InputError) as err:
        check_work(500, (256,) * 8)
    text = tr(err.value.key, "en", **err.value.values)
    assert f"{MAX_WORK:,}" in text and "128 steps" in text and "2048 units" in text
    assert "128" in tr(err.value.key, "zh", **err.value.values)


def test_the_issues_largest_stacked_link_says_why_instead_of_running():
    at = open_page("stacked", mode="chars", units=",".join(["256"] * 8), dense=16, seed=3,
                   seq="ab" * 300)
    assert_clean(at)
    assert any(f"{MAX_WORK:,}" in e.value.replace("\\", "") for e in at.error)
    assert not at.get("plotly_chart")[1:], "no heatmaps drawn"


def test_a_stacked_view_at_the_limit_runs():
    at = open_page("stacked", mode="chars", units=",".join(["256"] * 8), dense=16,
                   seq="ab" * 64)
    assert_clean(at)
    assert not at.error


# ---- numbers that overflow ----------------------------------------------------------------------

def test_first_nonfinite_finds_the_earliest_step():
    trace = LSTM.random(2, 3, seed=0).run(np.ones((5, 2)))
    arrays = {"h": np.array(trace.h), "c": np.array(trace.c)}
    assert first_nonfinite(arrays) is None
    arrays["c"][3, 1] = np.inf
    arrays["h"][2, 2] = np.nan
    assert first_nonfinite(arrays) == ("h", 2, 2)


def overflowing_npz() -> bytes:
    """Float32 weights near the largest float32: finite, accepted, but z overflows."""
    H, X = 3, 3
    W = np.full((4 * H, X), 3e38, np.float32)
    U = np.full((4 * H, H), -3e38, np.float32)
    buf = io.BytesIO()
    np.savez(buf, W=W, U=U, b=np.zeros(4 * H, np.float32))
    return buf.getvalue()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's overflow warnings, as on a server
@pytest.mark.parametrize("page", ["gates", "stacked"])
def test_an_overflowing_upload_gets_a_message_not_a_crash(page):
    at = open_page(page, seq="1 1 1; 1 1 1; 1 0 1", mode="numbers")
    at.file_uploader(key="upload_file").set_value(("m.npz", overflowing_npz(), "x"))
    at.run()
    if page == "stacked":
        at.segmented_control(key="model").set_value("uploaded").run()
    assert_clean(at)
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("overflowed" in e and "step 1" in e and "float32" in e for e in errors), errors
    shown = " ".join(str(e.value) for kind in ("code", "markdown", "text")
                     for e in getattr(at, kind))
    assert "inf" not in shown.lower().replace("info", "") and "nan" not in shown.lower()
    assert not at.get("plotly_chart")[1:]
