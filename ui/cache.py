"""One cache for every result the server shares between sessions, bounded in bytes.

``st.cache_data(max_entries=...)`` bounds the *count* of entries, not their size: one
/stacked result at the largest view was 137 MB, and 256 of them were allowed. Here every
cached function of the app draws on one budget (:func:`budget_bytes`, sized from the
server's memory); the least recently used results go first when a new one would not fit, and
a result larger than a quarter of the budget is handed back without being kept.

Results are shared as they are (no copy per session, unlike ``st.cache_data``'s pickles), so
their NumPy arrays are made read-only before anyone gets them: nothing can change a result
another learner is looking at. Two sessions asking for the same result at the same moment
compute it once (the second waits for the first).

Arguments whose names start with ``_`` are not part of the key (Streamlit's rule, kept):
such an argument must be described by another one (``_chosen`` by ``key``).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import inspect
import logging
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import numpy as np

__all__ = ["MB", "ByteCache", "Collector", "budget_bytes", "cached", "collector_growth",
           "memory_bytes", "release_freed", "resident_bytes", "size_of", "shared",
           "start_collector"]

MB = 1 << 20
# budget = clamp((M − BASE − SESSIONS × PER_SESSION) / 2, FLOOR, CEILING): docs/deploy.md
BASE = 300 * MB         # the server with every page imported and run once (measured)
SESSIONS = 35           # S, sessions per server (docs/deploy.md, "How many replicas")
PER_SESSION = 10 * MB   # a session's own: an uploaded model (≤ 1.25 M float64), a trained one
FLOOR, CEILING = 32 * MB, 192 * MB
LARGEST_SHARE = 4       # a result larger than budget / 4 is computed but not kept
ENTRY_OVERHEAD = 1024   # bytes counted for each entry beyond its content (key, bookkeeping)


def memory_bytes() -> int:
    """The memory this process may use: the cgroup limit (a container's) if there is one,
    else the machine's physical memory."""
    for limit in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(limit).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 1 << 60:  # cgroup v1 writes a huge number for none
            return int(text)
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def budget_bytes(memory: int | None = None) -> int:
    """Bytes all cached results may take together: ``LSTM_VIZ_CACHE_MB`` if set, else
    (M − BASE − SESSIONS × PER_SESSION) / 2 for a server of M bytes, between FLOOR and
    CEILING. Half of what is left is kept free for the work in progress of the sessions."""
    try:
        wanted = float(os.environ.get("LSTM_VIZ_CACHE_MB", ""))
    except ValueError:  # unset, or not a number: the formula
        wanted = float("nan")
    if wanted == wanted and wanted != float("inf"):
        return max(0, int(wanted * MB))
    memory = memory_bytes() if memory is None else memory
    return int(min(CEILING, max(FLOOR, (memory - BASE - SESSIONS * PER_SESSION) / 2)))


# ---- the size of a result ----------------------------------------------------------------

def size_of(value) -> int:
    """About how many bytes ``value`` holds in memory: NumPy arrays by their buffers (a
    buffer shared by several views counted once), Plotly figures by their data, strings,
    numbers, dataclasses, tuples, lists and dicts by their parts."""
    return _size(value, set())


def _size(value, seen: set[int]) -> int:
    if isinstance(value, np.ndarray):
        base = value
        while isinstance(base.base, np.ndarray):
            base = base.base
        if id(base) in seen:
            return 0
        seen.add(id(base))
        return int(base.nbytes) + 112
    if isinstance(value, str | bytes | int | float | bool | type(None)):
        return sys.getsizeof(value)
    if id(value) in seen:
        return 0
    seen.add(id(value))
    if hasattr(value, "to_plotly_json") and hasattr(value, "frames"):  # a go.Figure
        try:  # its own dicts, without the copy to_plotly_json makes (half the time)
            parts = [value._data, value._layout, [f._props for f in value._frame_objs]]
        except AttributeError:
            parts = value.to_plotly_json()
        return _size(parts, seen)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(_size(k, seen) + _size(v, seen)
                                          for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return sys.getsizeof(value) + sum(_size(v, seen) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 64 + sum(_size(getattr(value, f.name), seen) for f in dataclasses.fields(value))
    if hasattr(value, "__dict__"):
        return sys.getsizeof(value) + _size(vars(value), seen)
    return sys.getsizeof(value)


def _freeze(value, seen: set[int] | None = None) -> None:
    """Make every NumPy array reachable from ``value`` read-only (the result is shared)."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, dict):
        for v in value.values():
            _freeze(v, seen)
    elif isinstance(value, list | tuple):
        for v in value:
            _freeze(v, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _freeze(getattr(value, f.name), seen)


# ---- the cache -----------------------------------------------------------------------------

class ByteCache:
    """A least-recently-used map of results, at most ``budget`` bytes in all. Thread-safe."""

    def __init__(self, budget: int):
        self.budget = budget
        self._entries: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self._used = 0
        self._lock = threading.Lock()
        self._computing: dict[tuple, threading.Lock] = {}

    @property
    def used(self) -> int:
        """Bytes held now."""
        return self._used

    def __len__(self) -> int:
        return len(self._entries)

    def get_or_compute(self, key: tuple, compute: Callable[[], object]):
        """The result kept under ``key``, or ``compute()``'s, kept if it fits."""
        found, value = self._get(key)
        if found:
            return value
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:  # one computation per key at a time; the others wait for it
            found, value = self._get(key)
            if found:
                return value
            try:
                value = compute()
                _freeze(value)
                self._put(key, value, size_of(value) + ENTRY_OVERHEAD)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return value

    def _get(self, key: tuple) -> tuple[bool, object]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            self._entries.move_to_end(key)
            return True, entry[0]

    def _put(self, key: tuple, value, size: int) -> None:
        if size > self.budget / LARGEST_SHARE:
            return  # too large to keep: it would push out a quarter of everything
        with self._lock:
            if key in self._entries:
                return
            while self._entries and self._used + size > self.budget:
                _, (_, freed) = self._entries.popitem(last=False)  # the least recently used
                self._used -= freed
            self._entries[key] = (value, size)
            self._used += size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._used = 0


shared = ByteCache(budget_bytes())  # the server's one cache: every cached function draws on it


# ---- the garbage of finished runs --------------------------------------------------------
#
# A page's run ends as garbage in a reference cycle: the functions the page defines point to
# its globals (``__globals__``), which point back to them, and the globals hold the run's
# trace and figures (~25 MB after a largest /stacked view). Only a full collection frees such
# a cycle. Streamlit's collection after every run (``runner.postScriptGC``) is turned off in
# .streamlit/config.toml: with 30 sessions it took 59 % of the server's time. Python's own
# full collections wait until the long-lived objects have grown by a quarter, and a server
# holds millions of them (Plotly, Streamlit, pandas): 48 largest views took it to 1.3 GB.
# So the server collects when it has *grown*, not after every run, and then hands the freed
# memory back to the system (glibc's ``malloc_trim``): without that the freed memory stays
# resident, the next runs' garbage piles up in it unseen, and growth stops being a signal
# (measured: collections alone still let the server reach 754 MB; README, "Limits and memory").

GROWTH = 128 * MB  # a full collection once the server has grown this much since the last one
PAUSE = 2.0        # seconds at least between two (one holds the interpreter 0.1–0.6 s)
_LOG = logging.getLogger(__name__)


def resident_bytes() -> int | None:
    """This process's resident memory (Linux's /proc), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def collector_growth() -> int:
    """Bytes of growth that start a full collection: ``LSTM_VIZ_GC_MB`` if set (0 turns the
    collector off), else :data:`GROWTH`."""
    try:
        wanted = float(os.environ.get("LSTM_VIZ_GC_MB", ""))
    except ValueError:
        return GROWTH
    return max(0, int(wanted * MB)) if wanted == wanted and wanted != float("inf") else GROWTH


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim`` (Linux), or None (macOS, musl, Windows)."""
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed() -> None:
    """Hand memory that is free inside the allocator's arenas back to the system."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class Collector(threading.Thread):
    """Every ``every`` s, a full ``gc.collect()`` and :func:`release_freed` if the process's
    resident memory has grown ``growth`` bytes above the lowest it was since the last
    collection (and ``pause`` s have passed since then)."""

    def __init__(self, growth: int = GROWTH, every: float = 0.5, pause: float = PAUSE,
                 resident: Callable[[], int | None] = resident_bytes):
        super().__init__(name="lstm-viz-collector", daemon=True)
        self.growth, self.every, self.pause, self.resident = growth, every, pause, resident
        self.collections = 0
        self.halt = threading.Event()
        self._floor: int | None = None
        self._last = float("-inf")

    def due(self, rss: int, now: float) -> bool:
        """Whether a collection is due at resident memory ``rss`` and time ``now``; keeps
        the lowest ``rss`` seen as the point growth is measured from."""
        if self._floor is None or rss < self._floor:
            self._floor = rss
        return rss - self._floor >= self.growth and now - self._last >= self.pause

    def run(self) -> None:
        while not self.halt.wait(self.every):
            rss = self.resident()
            if rss is None or not self.due(rss, time.monotonic()):
                continue
            start = time.monotonic()
            gc.collect()
            release_freed()
            self.collections += 1
            self._last, self._floor = time.monotonic(), self.resident()
            _LOG.debug("collected: %.0f MB → %.0f MB in %.2f s", rss / MB,
                       (self._floor or 0) / MB, self._last - start)


_collector: list[Collector | None] = []  # the process's one, once asked for
_collector_lock = threading.Lock()


def start_collector(freeze: bool = False) -> Collector | None:
    """The server's one :class:`Collector`, started on first use; None where it is turned
    off (``LSTM_VIZ_GC_MB=0``) or resident memory cannot be read.

    ``freeze`` (for a server that has imported its modules and serves no session yet:
    asgi.py's lifespan) first moves every object there is into the collector's permanent
    generation (``gc.freeze()``), which full collections skip: one then takes a few ms
    instead of ~400 ms. Never while a page runs: a cycle that includes a frozen object is
    never freed, so a run frozen halfway would stay for good."""
    with _collector_lock:
        if not _collector:
            growth = collector_growth()
            on = growth and resident_bytes() is not None
            if on and freeze:
                gc.collect()
                gc.freeze()
            _collector.append(Collector(growth) if on else None)
            if on:
                _collector[0].start()
    return _collector[0]


def cached(fn: Callable | None = None, *, cache: ByteCache | None = None):
    """Decorate a pure function: its results are kept in ``cache`` (the server's ``shared``
    one unless given), keyed by the function and every argument whose name does not start
    with ``_`` (defaults applied). Exceptions are not kept."""
    if fn is None:
        return functools.partial(cached, cache=cache)
    signature = inspect.signature(fn)
    name = f"{fn.__module__}.{fn.__qualname__}"

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = (name, *((k, v) for k, v in bound.arguments.items() if not k.startswith("_")))
        if not _collector:  # every page computes through here: the server is serving
            start_collector()
        return (shared if cache is None else cache).get_or_compute(key, lambda: fn(*args, **kwargs))

    wrapper.clear = lambda: (shared if cache is None else cache).clear()
    return wrapper
