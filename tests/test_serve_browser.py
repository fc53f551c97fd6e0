"""The app through ``streamlit run asgi.py`` in headless Chromium: bundles and the player's
plotly.js arrive compressed and come from the cache on the next visit, the pages still draw,
and the step arithmetic is monospace plain text.
"""

from __future__ import annotations

import re

import pytest
from test_browser import ARITH, CHART, CHARTS_DRAWN, EXCEPTION, IDLE, PLAYER, PLAYER_DRAWN
from test_serve import asgi_server  # noqa: F401  (the server fixture)

pytestmark = pytest.mark.browser

# Every script and style sheet the page loaded (Streamlit's bundles, the player's plotly.js from
# /app/static/), with its bytes on the wire and decoded.
RESOURCES = """() => performance.getEntriesByType('resource')
    .filter(e => /\\/static\\/(js|css)\\/|\\/app\\/static\\/.*\\.js$/.test(e.name))
    .map(e => [new URL(e.name).pathname, e.encodedBodySize, e.decodedBodySize,
               e.transferSize])"""


@pytest.fixture
def tab(browser, asgi_server):  # noqa: F811
    """A tab in a context of its own: an empty cache, as a learner's first visit."""
    context = browser.browser.new_context(viewport={"width": 1400, "height": 900},
                                          locale="en-US")
    context.set_default_timeout(90_000)  # a shared 2-core machine can be slow
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda err: page.js_errors.append(str(err)))
    page.base = asgi_server
    yield page
    context.close()


@pytest.mark.parametrize(("path", "charts"), [("/gates", 0), ("/params", 2)])
def test_pages_draw_through_the_wrapper_with_compressed_bundles(tab, path, charts):
    tab.goto(tab.base + path)
    tab.wait_for_selector(IDLE)
    if charts:
        tab.wait_for_function(CHARTS_DRAWN, arg=charts)
    else:  # /gates draws with its player (plotly.js served from /app/static/)
        tab.wait_for_function(PLAYER_DRAWN)
        assert tab.locator(PLAYER).count() == 1
        assert [r for r in tab.evaluate(RESOURCES)
                if re.fullmatch(r"/app/static/plotly\.[0-9a-f]{12}\.min\.js", r[0])], \
            "the player's plotly.js, under its content-hashed name"
    assert tab.locator(CHART).count() == charts
    assert tab.locator(EXCEPTION).count() == 0
    assert not tab.js_errors, tab.js_errors
    loaded = tab.evaluate(RESOURCES)
    plotly = [r for r in loaded if "/PlotlyChart." in r[0] or "plotly" in r[0].lower()]
    assert plotly, "the Plotly chunk or plotly.js was loaded from this server"
    for name, encoded, decoded, _ in loaded:
        if decoded > 10_000:  # every sizeable bundle came compressed
            assert encoded < 0.5 * decoded, (name, encoded, decoded)


def test_the_gates_page_runs_plotly_js_before_its_player_needs_it(tab):
    """serve/early.py: /gates runs plotly.js once the page has loaded, by itself: here the
    app's websocket is refused (Playwright answers it and closes it; ``route`` alone does not
    see websockets), so no player ever appears, and plotly.js runs all the same, downloaded
    once (the preload and the script share it). /params, refused the same way, runs none."""
    refuse = lambda ws: ws.close()  # noqa: E731
    tab.route_web_socket("**/_stcore/stream", refuse)
    tab.goto(tab.base + "/gates")
    tab.wait_for_function("() => window.Plotly && typeof window.Plotly.newPlot === 'function'")
    tab.wait_for_timeout(1000)
    assert tab.locator(PLAYER).count() == 0 and tab.locator(CHART).count() == 0
    files = [r for r in tab.evaluate(RESOURCES) if "/app/static/plotly." in r[0]]
    assert len(files) == 1, files
    assert not tab.js_errors, tab.js_errors
    other = tab.context.new_page()
    other.route_web_socket("**/_stcore/stream", refuse)
    other.goto(tab.base + "/params")
    other.wait_for_load_state("load")
    other.wait_for_timeout(1500)
    assert other.evaluate("() => typeof window.Plotly") == "undefined"
    assert other.locator(CHART).count() == 0
    other.close()


def test_a_second_visit_loads_the_bundles_from_the_cache(tab):
    tab.goto(tab.base + "/gates")
    tab.wait_for_function(PLAYER_DRAWN)
    second = tab.context.new_page()
    second.goto(tab.base + "/gates")
    second.wait_for_function(PLAYER_DRAWN)
    # Streamlit's bundles and the player's plotly.js: from the cache, not even revalidated
    loaded = second.evaluate(RESOURCES)
    assert any("/app/static/plotly." in r[0] for r in loaded), loaded
    over_network = [r for r in loaded if r[3] > 0]
    assert not over_network, over_network
    second.close()


def test_the_step_arithmetic_is_monospace_plain_text(tab):
    tab.goto(tab.base + "/gates?model=random&seq=%3Cb%3Ebold%3C%2Fb%3E+**star**+cat")
    tab.wait_for_selector(IDLE)
    tab.wait_for_function(PLAYER_DRAWN)
    tab.wait_for_function(f"() => document.querySelector('{ARITH}')?.dataset.step === '1'")
    for part in ("ar-formulas", "ar-inputs"):  # ui/arith.js: <pre> in the code font
        text = tab.locator(f"{ARITH} .{part}")
        assert text.count() == 1, part
        assert "Source Code Pro" in text.evaluate("e => getComputedStyle(e).fontFamily")
        assert "\n" in text.inner_text(), "one line per equation"
    assert "=" in tab.locator(f"{ARITH} .ar-formulas").inner_text()
    assert tab.locator(f"{ARITH} .ar-token").inner_text() == "token: <b>bold</b>"
    assert tab.locator("[data-testid='stMain'] b").count() == 0, "typed tags stay text"
