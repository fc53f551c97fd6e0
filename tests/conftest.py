"""Shared test helpers: open a page of the app in Streamlit's AppTest."""

import base64
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"home": None, "gates": "pages/1_gates.py", "stacked": "pages/2_stacked.py",
         "params": "pages/3_params.py"}


def open_page(page: str, **query):
    """Run ``page`` as a learner arriving with ``?key=value…`` in the URL (an AppTest)."""
    from streamlit.testing.v1 import AppTest  # imported here: the core's tests need no streamlit

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = str(value)
    if PAGES[page]:
        at.switch_page(PAGES[page])
    return at.run()


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
