"""Safe by default: the server's settings, and no text from a learner ever becomes markup.

Three layers, each failing on its own kind of mistake:

- the settings in ``.streamlit/config.toml`` (XSRF, upload limit, no telemetry, no tracebacks);
- a scan of the source for every way to hand HTML or code to the browser or the interpreter
  (``unsafe_allow_html=True``, ``st.html``, ``components.html``, ``eval``, ``exec``): each
  call's argument must be a constant, or be on the allow-list below with the reason it is safe;
- in headless Chromium, script-carrying text typed into every text field of every page and
  put into every query parameter a page reads: no script runs, no dialog opens, and no
  element made from the text (a <script>, an event handler, a javascript: link, the text's own
  tags or Markdown) appears in the page.
"""

from __future__ import annotations

import ast
from pathlib import Path
from urllib.parse import quote

import pytest

# The browser tests share test_browser.py's server, tab and screenshot folder.
from test_browser import IDLE, full_page_screenshot, page, server, shots  # noqa: F401

from ui import keys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: its backport (requirements-dev.txt)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ["app.py", "pages", "ui", "figures"]

# ---- the server's settings --------------------------------------------------------------


def test_config_is_safe_by_default():
    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    settings = config["server"]
    assert settings["enableXsrfProtection"] is True
    largest = max(p.stat().st_size for p in (ROOT / "lstm_viz/demos").glob("*.npz"))
    limit_mb = settings["maxUploadSize"]
    assert largest <= limit_mb * 1024 * 1024, "the shipped weights files can be uploaded"
    assert limit_mb <= 10, "uploads stay small (Streamlit's default is 200 MB)"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] == "none", "a learner never sees a traceback"


# ---- the source: what may reach the browser as HTML, or the interpreter as code ----------

RAW_SINKS = {"html", "iframe"}   # st.html, components.html, components.iframe, *.html(...)
CODE_SINKS = {"eval", "exec", "compile", "__import__"}
UNSAFE_FLAGS = {"unsafe_allow_html", "unsafe_allow_javascript"}
ALWAYS_UNSAFE = CODE_SINKS | {"unsafe_allow_javascript"}  # whatever the argument

# (file, source of the argument) → why it is safe. Anything else must be a constant.
ALLOWED: dict[tuple[str, str], str] = {
    ("ui/common.py", "_PRESENT_CSS"):
        "presentation-mode CSS: a module constant, a string literal with no formatting",
}


def _constants(tree: ast.Module) -> set[str]:
    """Module-level names bound once to a string literal."""
    bound: dict[str, int] = {}
    literal: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound[node.id] = bound.get(node.id, 0) + 1
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name) and _literal(node.value):
            literal.add(node.targets[0].id)
    return {name for name in literal if bound.get(name) == 1}


def _literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str | bytes | type(None))


def _safe(node: ast.expr, constants: set[str]) -> bool:
    """A string literal, a module constant, or + / f-string of those."""
    if _literal(node):
        return True
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _safe(node.left, constants) and _safe(node.right, constants)
    if isinstance(node, ast.JoinedStr):
        return all(_safe(v.value if isinstance(v, ast.FormattedValue) else v, constants)
                   for v in node.values)
    return False


def _sink(call: ast.Call) -> str | None:
    """What kind of dangerous call this is, or None."""
    for kw in call.keywords:
        if kw.arg in UNSAFE_FLAGS and not (isinstance(kw.value, ast.Constant)
                                           and kw.value.value is False):
            return kw.arg
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if isinstance(func, ast.Name) and name in CODE_SINKS:
        return name
    if isinstance(func, ast.Attribute) and name in RAW_SINKS:
        return name
    return None


def scan(source: str, path: str) -> list[tuple[str, int, str, str, bool]]:
    """Every dangerous call in ``source``: (path, line, kind, argument's source, safe?)."""
    tree = ast.parse(source)
    constants = _constants(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or (kind := _sink(node)) is None:
            continue
        args = list(node.args) + [kw.value for kw in node.keywords
                                  if kw.arg in {"body", "html", "src", "source", "body_html"}]
        text = ", ".join(ast.get_source_segment(source, a) or "?" for a in args) or "(none)"
        safe = bool(args) and all(_safe(a, constants) for a in args) \
            and kind not in ALWAYS_UNSAFE
        found.append((path, node.lineno, kind, text, safe))
    return found


def scanned_files() -> list[Path]:
    files = []
    for entry in SCANNED:
        path = ROOT / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def test_no_learner_text_reaches_html_or_code():
    calls = []
    for path in scanned_files():
        calls += scan(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    unsafe = [c for c in calls if not c[4] and (c[0], c[3]) not in ALLOWED]
    assert not unsafe, "HTML or code built from non-constant values (allow-list them with " \
                       f"a reason only if no learner text can reach them): {unsafe}"
    used = {(c[0], c[3]) for c in calls}
    stale = [entry for entry in ALLOWED if entry not in used]
    assert not stale, f"allow-list entries for calls that no longer exist: {stale}"


@pytest.mark.parametrize("snippet", [
    "st.markdown(seq, unsafe_allow_html=True)",
    "st.markdown(f'<b>{seq}</b>', unsafe_allow_html=True)",
    "st.write(t('x', lang) + seq, unsafe_allow_html=True)",
    "st.html(seq)",
    "st.sidebar.html('<p>' + seq)",
    "components.html(seq, height=100)",
    "st.components.v1.html(body=seq)",
    "st.html(CSS, unsafe_allow_javascript=True)",
    "eval(seq)",
    "exec('x = 1')",
])
def test_the_scan_finds_planted_sinks(snippet):
    """The scan itself: each of these would let a learner's text (or code) through."""
    source = f"CSS = '<style></style>'\nseq = st.text_area('s')\n{snippet}\n"
    assert [c for c in scan(source, "planted.py") if not c[4]], snippet


def test_the_scan_accepts_constants():
    source = ("CSS = '<style>p {}</style>'\nMORE = CSS + '<style></style>'\nst.html(CSS)\n"
              "st.html(f'{CSS}<br>')\nst.markdown('**a**', unsafe_allow_html=False)\n")
    assert [c[4] for c in scan(source, "ok.py")] == [True, True]


# ---- in the browser: every text field and every query parameter, on every page ----------

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:window.__xss=1">x</a> javascript:window.__xss=1',
    '<b class="xss-marker">x</b> <iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "[xss](javascript:window.__xss=1) [xss-link](https://example.invalid/xss)",
    '![x](x" onerror="window.__xss=1) ![xss](https://example.invalid/xss.png)',
]
# (URL path, widget key, "area" or "input"): every st.text_area / st.text_input / chat input.
FIELDS = [
    ("/gates", "seq", "area"),
    ("/stacked", "seq", "area"),
    ("/stacked", "units", "input"),
    ("/params", "units", "input"),
    ("/memory", "seq", "area"),
    ("/why", "seq", "area"),
]
# /live's fields keep no value in the URL and appear only after a class is started or
# joined: tests/test_browser_live.py types the payloads into them.
LIVE_FIELDS = [("/live", "live_code", "input"), ("/live", "live_nickname", "input"),
               ("/live", "live_seq", "area"), ("/live", "live_count_{}", "input")]
QUERY = {  # URL path → the query parameters the page reads (README's table, and the code)
    "/": [],
    "/gates": ["seq", "mode", "units", "seed", "model", "step", "unit", "layer"],
    "/stacked": ["seq", "mode", "units", "seed", "dense", "model"],
    "/params": ["input", "units", "dense", "convention", "bidirectional"],
    "/memory": ["demo", "seq"],
    "/train": ["task", "units", "lr", "steps", "seed"],
    "/why": ["seq", "mode", "units", "seed", "model", "step", "unit", "surgery", "who", "when"],
    "/lessons": ["part", "step", "check"],
    "/live": ["class", "teacher"],
}
EVERY_PAGE = ["lang", "present"]
TEXT_WIDGETS = {"text_input": "input", "text_area": "area", "chat_input": "chat"}

# Runs before the page's own scripts on every navigation: records every element that the
# payloads could have made (whether or not the browser ran it), and every rerun's start.
WATCH = r"""(() => {
  window.__hits = []; window.__ran = false;
  const mark = /__xss|alert\(|xss-marker/;
  const urlAttr = ['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'poster'];
  const bad = (el) => {
    if (el.tagName === 'SCRIPT' && mark.test(el.textContent)) return 'script';
    if (el.tagName === 'IFRAME' && el.hasAttribute('srcdoc')) return 'iframe srcdoc';
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), value = a.value.replace(/[\s\u0000-\u001f]/g, '');
      if (name.startsWith('on') && mark.test(a.value)) return name;
      if (urlAttr.includes(name) && /^javascript:/i.test(value)) return name + '=javascript:';
      if (urlAttr.includes(name) && value.startsWith('https://example.invalid')) return name;
      if (name === 'class' && a.value.includes('xss-marker')) return 'markup';
    }
    if (el.tagName === 'IMG' && mark.test(el.getAttribute('src') || '')) return 'img';
    return null;
  };
  const check = (el) => {
    if (el.nodeType !== 1) return;
    for (const node of [el, ...el.querySelectorAll('*')]) {
      const why = bad(node);
      if (why) window.__hits.push(why + ': ' + node.outerHTML.slice(0, 160));
    }
  };
  new MutationObserver((changes) => {
    for (const c of changes) {
      if (c.type === 'attributes') {
        if (c.attributeName === 'data-test-script-state'
            && c.target.getAttribute(c.attributeName) === 'running') window.__ran = true;
        else check(c.target);
      }
      c.addedNodes.forEach(check);
    }
  }).observe(document, {subtree: true, childList: true, attributes: true});
})();"""


def _page_url(script: Path) -> str:
    return "/" if script.name == "app.py" else "/" + script.stem.split("_", 1)[1]


# Modules of ui/ that draw a text field for one page alone (in a fragment of that page).
UI_PAGE = {"step_detail.py": "/gates"}


def text_fields() -> set[tuple[str, str, str]]:
    """Every text widget in app.py, pages/ and the ui/ modules of UI_PAGE as (URL path, key,
    kind), found in the source."""
    found = set()
    scripts = [(ROOT / "app.py", "/"), *((p, _page_url(p)) for p in
                                         sorted((ROOT / "pages").glob("*.py"))),
               *((ROOT / "ui" / name, url) for name, url in UI_PAGE.items())]
    for script, url in scripts:
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in TEXT_WIDGETS:
                key = next((_key(kw.value) for kw in node.keywords if kw.arg == "key"), None)
                found.add((url, key, TEXT_WIDGETS[node.func.attr]))
    return found


def _key(node: ast.expr) -> str:
    """A widget's key as written: a string, a name from ui.keys (``keys.SEQ``), or an
    f-string with ``{}`` for each value in it (``f"live_count_{q.id}"`` → ``live_count_{}``)."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
            and node.value.id == "keys":
        return getattr(keys, node.attr)
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "{}"
                       for part in node.values)
    return node.value


def test_every_text_field_is_in_the_browser_test():
    assert text_fields() == set(FIELDS) | set(LIVE_FIELDS), \
        "add new text fields to FIELDS (and their page)"
    shared = []
    for path in sorted((ROOT / "ui").glob("*.py")):
        if path.name in UI_PAGE:
            continue
        shared += [path.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                   if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                   and node.func.attr in TEXT_WIDGETS]
    assert not shared, f"a text field in ui/ ({shared}): list it in FIELDS for every page"
    assert set(QUERY) >= {path for path, _, _ in FIELDS}
    assert set(QUERY) == {_page_url(p) for p in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]}


@pytest.fixture
def watched(page):  # noqa: F811 (test_browser's tab)
    """The browser test's tab, watched for payload elements and dialogs."""
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.add_init_script(WATCH)
    page.dialogs = dialogs
    return page


def assert_inert(tab, where: str) -> None:
    tab.wait_for_timeout(300)  # an <img onerror> or <svg onload> would have fired by now
    assert tab.evaluate("typeof window.__xss") == "undefined", where
    assert tab.evaluate("typeof window.__hits") == "object", "the watcher is installed"
    assert tab.evaluate("window.__hits") == [], where
    assert tab.dialogs == [], where
    assert tab.locator("[data-testid='stException']").count() == 0, where
    assert "Traceback" not in tab.inner_text("body"), where


def visit(tab, path: str) -> None:
    """Open ``path`` and wait until the script has run (not merely until the page is idle)."""
    tab.goto(tab.base + path)
    tab.wait_for_function("window.__ran === true || !!document.querySelector('h1')")
    tab.wait_for_selector(IDLE)


def _submit(tab, key: str, kind: str, text: str) -> None:
    """Type ``text`` into the field and send it as a learner does; wait for the rerun (every
    text field keeps its value in the URL: a quick rerun may never show as running)."""
    tab.wait_for_selector(IDLE)
    box = tab.locator(f".st-key-{key} " + ("textarea" if kind == "area" else "input"))
    box.fill(text)
    box.press("Control+Enter" if kind == "area" else "Enter")
    tab.wait_for_function("([k, v]) => new URLSearchParams(location.search).get(k) === v",
                          arg=[key, text])
    tab.wait_for_selector(IDLE)


@pytest.mark.browser
@pytest.mark.parametrize(("path", "key", "kind"), FIELDS)
def test_typed_payloads_stay_text(watched, shots, path, key, kind):  # noqa: F811
    visit(watched, path)
    assert_inert(watched, f"{path} before typing")
    for payload in PAYLOADS:
        _submit(watched, key, kind, payload)
        assert_inert(watched, f"{path} {key} ← {payload}")
    if (path, key) == ("/gates", "seq"):
        full_page_screenshot(watched, shots / "security-gates-en.png")


@pytest.mark.browser
@pytest.mark.parametrize("path", list(QUERY))
def test_payloads_in_the_url_stay_text(watched, path):
    for payload in PAYLOADS:
        query = "&".join(f"{name}={quote(payload, safe='')}"
                         for name in QUERY[path] + EVERY_PAGE)
        visit(watched, f"{path}?{query}")
        assert_inert(watched, f"{path}?…={payload}")
