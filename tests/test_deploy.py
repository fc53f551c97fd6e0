"""Beyond one machine: the container image, the Kubernetes manifests and the audit step.

No Docker engine or cluster is needed: the Dockerfile and the manifests are read as data
and checked against each other and against ``.streamlit/config.toml`` (one port, one health
path, one upload limit); the image's steps are replayed here (the files it copies, its exact
CMD as a non-root user, its HEALTHCHECK). ``LSTM_VIZ_DEPLOY_SMOKE=1`` also installs
requirements.txt into a fresh venv first, as the image does (about a minute).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

import pytest
from test_browser import free_port, stop, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy/k8s"
HEALTH = "/_stcore/health"
CMD = ["streamlit", "run", "asgi.py", "--server.address=0.0.0.0", "--server.headless=true"]
PRECOMPRESS = "python -m serve --cache "  # the image's RUN that compresses the bundles
yaml = pytest.importorskip("yaml", reason="pyyaml reads the manifests (requirements-dev.txt)")

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: its backport (requirements-dev.txt)
    import tomli as tomllib


# ---- reading the files --------------------------------------------------------------------

def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined, comments out."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1].strip())
            for ln in joined.splitlines() if ln.strip()]


def instructions(name: str) -> list[str]:
    return [args for instr, args in dockerfile() if instr == name]


def config() -> dict:
    return tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))


def app_port() -> int:
    return int(config().get("server", {}).get("port", 8501))  # Streamlit's default


def manifests() -> dict[str, dict]:
    """Every object in deploy/k8s/, by kind (one of each)."""
    objects = [doc for path in sorted(K8S.glob("*.yaml"))
               for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    kinds = [o["kind"] for o in objects]
    assert len(kinds) == len(set(kinds)), kinds
    return {o["kind"]: o for o in objects}


def container() -> dict:
    (only,) = manifests()["Deployment"]["spec"]["template"]["spec"]["containers"]
    return only


def megabytes(size: str) -> float:
    """An nginx size ("8m", "1g", "512k") in MB."""
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", size.lower()).groups()
    return int(number) * {"k": 1 / 1024, "": 1 / 2**20, "m": 1, "g": 1024}[unit]


# ---- the image ------------------------------------------------------------------------------

def test_image_runs_as_a_non_root_user():
    users = [instr_args for instr, instr_args in dockerfile() if instr in {"USER", "CMD"}]
    assert len(users) == 2 and users[-1].startswith("["), "USER comes before the CMD"
    user = users[0].split(":")[0]
    assert user not in {"root", "0"}, user
    assert "useradd --uid " + user in " ".join(instructions("RUN")), "the user exists"


def test_image_installs_only_the_runtime_requirements_and_one_blas_thread():
    installs = [r for r in instructions("RUN") if "pip install" in r]
    assert installs == ["pip install --no-cache-dir -r requirements.txt"], installs
    env = " ".join(instructions("ENV"))
    assert "OPENBLAS_NUM_THREADS=1" in env


def test_image_serves_on_the_configured_port_with_a_healthcheck():
    port = app_port()
    assert instructions("EXPOSE") == [str(port)]
    (check,) = instructions("HEALTHCHECK")
    assert f"http://localhost:{port}{HEALTH}" in check and "CMD" in check
    assert json.loads(instructions("CMD")[-1]) == CMD


def copied() -> list[str]:
    """What the image copies after installing the requirements (the app itself)."""
    sources = [args.split()[0] for args in instructions("COPY")]
    return [s.rstrip("/") for s in sources if s != "requirements.txt"]


def test_image_copies_every_module_the_app_imports():
    first_party = {"lstm_viz", "text", "ui", "figures", "serve", "classroom"}
    scripts = [ROOT / "app.py", ROOT / "asgi.py", *(ROOT / "pages").glob("*.py")]
    for folder in first_party:
        scripts += (ROOT / folder).rglob("*.py")
    imported = set()
    for script in scripts:
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
    local = {p.stem if p.suffix == ".py" else p.name for p in ROOT.iterdir()}
    assert imported & local <= set(copied()), imported & local - set(copied())
    assert {"app.py", "asgi.py", "pages", ".streamlit", *first_party} <= set(copied())


def test_image_compresses_the_bundles_once_at_build_time():
    """The cache is made by a RUN step (root, before USER) where the server looks for it; the
    pod's root filesystem is read-only, so it could not be made at the first start."""
    steps = [(instr, args) for instr, args in dockerfile()]
    (run,) = [k for k, (instr, args) in enumerate(steps)
              if instr == "RUN" and args.startswith(PRECOMPRESS)]
    user = next(k for k, (instr, _) in enumerate(steps) if instr == "USER")
    copies = [k for k, (instr, _) in enumerate(steps) if instr == "COPY"]
    assert max(copies) < run < user, "after the app is copied, as root"
    cache = steps[run][1][len(PRECOMPRESS):].split()[0]
    env = dict(pair.split("=", 1) for args in instructions("ENV") for pair in shlex.split(args))
    assert env["LSTM_VIZ_STATIC_CACHE"] == cache


def test_dockerignore_keeps_the_context_small():
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".venv", ".git", "screenshots", "tests/screenshots", ".pytest_cache",
            ".ruff_cache", ".hypothesis", "**/__pycache__"} <= ignored
    assert not ignored & set(copied()), "nothing the image copies is ignored"


# ---- the image's steps, replayed without Docker --------------------------------------------

def _image_tree(tmp: Path, python: Path) -> Path:
    """/app as the image lays it out: the copied files and the compressed bundles (its RUN
    step, brotli at quality 1 here for speed), owned by root, read-only to others."""
    app = tmp / "app"
    app.mkdir()
    for name in ["requirements.txt", *copied()]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, app / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, app / name)
    (run,) = [r for r in instructions("RUN") if r.startswith(PRECOMPRESS)]
    subprocess.run([str(python), *shlex.split(run.replace("/app/", f"{app}/"))[1:],
                    "--quality", "1"], cwd=app, check=True, timeout=600,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    for path in [app, *app.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return app


def _as_user(cmd: list[str]) -> tuple[list[str], str]:
    """``cmd`` as the unprivileged user nobody when this runs as root, else as is."""
    if os.geteuid() == 0 and shutil.which("setpriv"):
        return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *cmd], "nobody"
    return cmd, "this user"


# ---- an interpreter the user nobody can run, wherever the checkout and Python live -----------

def _runs_for_the_user(python: Path, code: str, env: dict[str, str]) -> str:
    """'' when the user of ``_as_user`` can run ``code`` with ``python``, else why not."""
    done = subprocess.run(_as_user([str(python), "-c", code])[0], env=env, cwd="/",
                          capture_output=True, text=True, timeout=300)
    return "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["?"])[-1]


def _linked(source: Path, target: Path) -> Path:
    """``source`` laid out again at ``target``: hard links (the same files, no copying) where
    both are on one file system, a copy where not."""
    for cmd in (["cp", "-a", "--link"], ["cp", "-a"]):
        shutil.rmtree(target, ignore_errors=True)
        if subprocess.run([*cmd, str(source), str(target)], capture_output=True).returncode == 0:
            return target
    raise OSError(f"could not lay out {source} at {target}")


def _launcher(script: Path, python: Path) -> None:
    """A console script (``streamlit``) made to start ``python``: a new file, so that its hard
    link's original keeps its own first line."""
    lines = script.read_text(encoding="utf-8").splitlines(keepends=True)
    script.unlink()
    script.write_text(f"#!{python}\n" + "".join(lines[1:]), encoding="utf-8")
    script.chmod(0o755)


def _python_for_the_user(python: Path, tmp: Path) -> tuple[Path, dict[str, str]]:
    """``python`` with its packages where the user nobody can run it, and the environment that
    needs (issues 14 and 18: it must not matter where the checkout or the interpreter lives).

    A venv in a private checkout (a clone under a 0700 ``mktemp -d`` or home folder) and
    pyenv's interpreters under /root are out of nobody's reach. Then the venv, and the base
    interpreter if need be, are laid out again inside ``tmp`` (which nobody can read), as
    hard links where they can be; the libpython beside a relinked interpreter is found
    through LD_LIBRARY_PATH. Skips with the reason when even that copy cannot run.
    """
    env = {"PATH": "/usr/bin:/bin"}
    if not _runs_for_the_user(python, "import streamlit", env):
        return python, {}
    where = subprocess.run([str(python), "-c", "import sys; print(sys.prefix); "
                            "print(sys.base_prefix); print('%d.%d' % sys.version_info[:2])"],
                           capture_output=True, text=True, check=True).stdout.split("\n")
    prefix, base, version = Path(where[0]), Path(where[1]), where[2]
    runtime = tmp / "python"  # removed with the rest of tmp by the image_root fixture
    runtime.mkdir(mode=0o755)
    runtime.chmod(0o755)
    base_python, extra = base / "bin" / f"python{version}", {}
    if _runs_for_the_user(base_python, "import encodings", env):
        base_python = _linked(base, runtime / "base") / "bin" / f"python{version}"
        extra["LD_LIBRARY_PATH"] = str(runtime / "base/lib")  # its RUNPATH: the private one
    if prefix != base:  # a venv: laid out again, pointing at the base nobody can run
        bin_dir = _linked(prefix, runtime / "venv") / "bin"
        cfg = bin_dir.parent / "pyvenv.cfg"
        cfg.unlink()  # a hard link: writing through it would change the checkout's venv
        cfg.write_text(f"home = {base_python.parent}\ninclude-system-site-packages = false\n"
                       f"version = {version}\n", encoding="utf-8")
        for name in ("python", "python3", f"python{version}"):
            (bin_dir / name).unlink(missing_ok=True)
            (bin_dir / name).symlink_to(base_python)
    elif extra:  # no venv: the packages are the relinked base interpreter's
        bin_dir = base_python.parent
    else:
        pytest.skip(f"the user nobody can run {base_python} but not import streamlit with it")
    _launcher(bin_dir / CMD[0], bin_dir / "python")
    why = _runs_for_the_user(bin_dir / "python", "import streamlit", {**env, **extra})
    if why:
        pytest.skip(f"the user nobody cannot run {python} (not even a copy in {runtime}: {why})")
    return bin_dir / "python", extra


# Every page's script, run in the image's tree (the health answer comes before any script
# runs, so it alone would not notice a module the image forgot to copy).
PAGES_RUN = """
import sys
from pathlib import Path
from streamlit.testing.v1 import AppTest
failed = []
for page in [None, *sorted(p.as_posix() for p in Path("pages").glob("*.py"))]:
    at = AppTest.from_file(str(Path("app.py").resolve()), default_timeout=120)
    if page:
        at.switch_page(page)
    at.run()
    if at.exception:
        failed.append((page, [e.value for e in at.exception]))
sys.exit(f"pages that failed: {failed}" if failed else 0)
"""


def _serve_like_the_image(python: Path, tmp: Path) -> None:
    """Start the image's CMD from /app, wait for the health answer, run the HEALTHCHECK and
    every page's script."""
    app = _image_tree(tmp, python)  # as root, with the interpreter as it is
    python, python_env = _python_for_the_user(python, tmp)
    home, scratch = tmp / "home", tmp / "scratch"  # the pod's two emptyDirs
    for folder in (home, scratch):
        folder.mkdir(mode=0o777)
        folder.chmod(0o777)
    port = free_port()
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(home), "TMPDIR": str(scratch),
           "STREAMLIT_SERVER_PORT": str(port), **python_env}  # the image's 8501 may be taken
    for args in instructions("ENV"):
        env.update(dict(pair.split("=", 1) for pair in shlex.split(args)))
    env["HOME"] = str(home)
    env["LSTM_VIZ_STATIC_CACHE"] = env["LSTM_VIZ_STATIC_CACHE"].replace("/app/", f"{app}/")
    cmd, who = _as_user(CMD)
    log = tmp / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=app, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, log, timeout=90)
        check = json.loads(instructions("HEALTHCHECK")[0].split("CMD", 1)[1])
        check = [str(python) if c == "python" else c.replace(":8501/", f":{port}/")
                 for c in check]
        assert subprocess.run(_as_user(check)[0], env=env, timeout=30).returncode == 0
        _assert_bundles_compressed(f"http://127.0.0.1:{port}")
        pages = subprocess.run(_as_user([str(python), "-c", PAGES_RUN])[0], cwd=app, env=env,
                               capture_output=True, text=True, timeout=300)
        assert pages.returncode == 0, pages.stderr[-3000:]
    finally:
        stop(proc)
    written = [p for p in app.rglob("*") if p.stat().st_uid != 0] if who == "nobody" else []
    assert not written, f"the server wrote into /app (read-only in the pod): {written}"


def _assert_bundles_compressed(url: str) -> None:
    """The served page's entry bundle and plotly.js come compressed from the image's cache."""
    import urllib.request

    html = urllib.request.urlopen(url + "/", timeout=30).read().decode()
    entry = html.split('src="./', 1)[1].split('"', 1)[0]
    request = urllib.request.Request(f"{url}/{entry}", headers={"Accept-Encoding": "br, gzip"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.headers["Content-Encoding"] == "br", dict(answer.headers)
    # the player's plotly.js: compressed from the cache, plain from /app/static/ (the same RUN)
    from figures import plotly_js

    for accept, encoding in (("br, gzip", "br"), ("identity", None)):
        request = urllib.request.Request(f"{url}/app/static/{plotly_js.served_name()}",
                                         headers={"Accept-Encoding": accept})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.headers["Content-Encoding"] == encoding, dict(answer.headers)
            assert "immutable" in answer.headers["Cache-Control"]


@pytest.fixture
def image_root():
    """A scratch folder that the user nobody can reach (pytest's tmp_path is root-only)."""
    folder = Path(tempfile.mkdtemp(prefix="lstm-viz-image-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_image_cmd_serves_as_nobody(image_root):
    """The CMD, from a copy of exactly what the image copies, as an unprivileged user."""
    _serve_like_the_image(Path(sys.executable), image_root)


@pytest.mark.skipif(os.environ.get("LSTM_VIZ_DEPLOY_SMOKE") != "1",
                    reason="set LSTM_VIZ_DEPLOY_SMOKE=1: installs requirements.txt afresh (~1 min)")
def test_a_fresh_install_of_requirements_serves(image_root):
    """The image's RUN step too: requirements.txt alone into an empty venv, then the CMD."""
    venv.create(image_root / "venv", with_pip=True)
    python = image_root / "venv/bin/python"
    subprocess.run([python, "-m", "pip", "install", "--quiet", "-r", ROOT / "requirements.txt"],
                   check=True, timeout=600)
    _serve_like_the_image(python, image_root)


# ---- the Pythons the project supports (issue 18) ------------------------------------------------

def supported_pythons() -> tuple[str, str]:
    """(the oldest supported, the newest tested): pyproject.toml's requires-python and .ci/run."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    oldest = re.fullmatch(r">=(3\.\d+)", project["project"]["requires-python"])[1]
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    newest = re.search(r"^HIGHEST=(3\.\d+)$", ci, re.M)[1]
    return oldest, newest


def test_every_place_names_the_same_pythons_and_streamlit():
    oldest, newest = supported_pythons()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["ruff"]["target-version"] == "py" + oldest.replace(".", "")
    top = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ", 1)[0]
    assert f"Python {oldest} or newer" in top and f"Tested on Python {oldest} and {newest}" in top
    assert instructions("FROM") == [f"python:{newest}-slim"], "the image runs a tested Python"
    assert 'LOWEST=$(sed -n \'s/^requires-python' in (ROOT / ".ci/run").read_text(encoding="utf-8")
    runtime = (ROOT / "requirements.txt").read_text(encoding="utf-8").split()
    (streamlit,) = [r for r in runtime if r.startswith("streamlit")]
    assert streamlit in project["project"]["optional-dependencies"]["app"]


def _fake_python(tmp: Path, version: tuple[int, int]) -> Path:
    """This interpreter, telling the Makefile's check that it is Python ``version``."""
    fake = tmp / f"python{version[0]}.{version[1]}"
    fake.write_text(
        "#!/bin/sh\n"
        f'[ "$1" = --version ] && {{ echo "Python {version[0]}.{version[1]}.0"; exit 0; }}\n'
        '[ "$1" = -c ] || { echo "not reached: $*" >&2; exit 3; }\n'
        f"exec {sys.executable} -c \"import sys; sys.version_info = {(*version, 0)}; "
        'exec(sys.argv[1])" "$2"\n', encoding="utf-8")
    fake.chmod(0o755)
    return fake


def test_make_refuses_an_older_python_in_one_line_before_making_a_venv(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    oldest = tuple(int(n) for n in supported_pythons()[0].split("."))
    older = _fake_python(tmp_path, (oldest[0], oldest[1] - 1))
    venv_dir = tmp_path / "venv"
    done = subprocess.run(["make", "-s", "lint", f"PYTHON={older}", f"VENV={venv_dir}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    message = done.stderr.splitlines()[0]
    assert message == (f"make: PYTHON={older} is not a Python {'.'.join(map(str, oldest))} or "
                       f"newer (it says: Python {oldest[0]}.{oldest[1] - 1}.0); name another, "
                       "e.g. make lint PYTHON=python3.11"), message
    assert not venv_dir.exists(), "no venv half made"
    # The oldest itself passes the check (and reaches the venv step, which the fake refuses).
    done = subprocess.run(["make", "-s", "lint", f"PYTHON={_fake_python(tmp_path, oldest)}",
                           f"VENV={venv_dir}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert "is not a Python" not in done.stderr and "not reached: -m venv" in done.stderr


# ---- Kubernetes -------------------------------------------------------------------------------

def test_probes_ask_for_health_on_the_app_port():
    c = container()
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports == {"http": app_port()}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = c[probe]["httpGet"]
        assert get["path"] == HEALTH and ports.get(get["port"], get["port"]) == app_port(), probe
    service = manifests()["Service"]["spec"]
    assert [p["targetPort"] for p in service["ports"]] == ["http"]


def test_pods_run_as_non_root_on_a_read_only_filesystem():
    pod = manifests()["Deployment"]["spec"]["template"]["spec"]
    c = container()
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert c["securityContext"]["allowPrivilegeEscalation"] is False
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert c["securityContext"]["capabilities"]["drop"] == ["ALL"]
    mounts = {m["mountPath"] for m in c["volumeMounts"]}
    assert {"/tmp", "/home/app"} <= mounts, "writable HOME (~/.streamlit) and /tmp (uploads)"
    env = {e["name"]: e.get("value") for e in c["env"]}
    assert env["HOME"] == "/home/app" and "STREAMLIT_SERVER_COOKIE_SECRET" in env


def test_resources_are_set_per_replica_and_the_autoscaler_targets_the_deployment():
    resources = container()["resources"]
    for kind in ("cpu", "memory"):
        assert kind in resources["requests"] and kind in resources["limits"]
    hpa = manifests()["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == manifests()["Deployment"]["metadata"]["name"]
    assert 1 < hpa["minReplicas"] <= hpa["maxReplicas"]
    assert manifests()["Deployment"]["spec"]["replicas"] == hpa["minReplicas"]


def test_sessions_stick_to_one_pod_and_websockets_stay_open():
    assert manifests()["Service"]["spec"]["sessionAffinity"] == "ClientIP"
    notes = manifests()["Ingress"]["metadata"]["annotations"]
    nginx = "nginx.ingress.kubernetes.io/"
    assert notes[nginx + "affinity"] == "cookie"
    for timeout in ("proxy-read-timeout", "proxy-send-timeout"):
        assert int(notes[nginx + timeout]) >= 3600, timeout
    assert megabytes(notes[nginx + "proxy-body-size"]) >= config()["server"]["maxUploadSize"]


def test_pods_serve_the_compressed_bundles_and_the_ingress_lets_them_through():
    """The pods run the image's CMD (asgi.py, precompressed bundles from the image's read-only
    cache); the Ingress forwards Accept-Encoding as it came (docs/deploy.md)."""
    c = container()
    assert "command" not in c and "args" not in c, "the image's CMD: streamlit run asgi.py"
    env = {e["name"] for e in c.get("env", [])}
    assert "LSTM_VIZ_STATIC_CACHE" not in env, "the image's cache, made at build time"
    notes = manifests()["Ingress"]["metadata"]["annotations"]
    for name, value in notes.items():
        assert "accept-encoding" not in str(value).lower(), name


def test_manifests_parse_offline_with_kubectl():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    done = subprocess.run([kubectl, "label", "--local", "-f", str(K8S), "checked=yes",
                           "-o", "name"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.split()) == len(manifests())


# ---- the audit step ---------------------------------------------------------------------------

def audit(tmp_path, report: dict, **env) -> subprocess.CompletedProcess:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return subprocess.run([sys.executable, ROOT / "deploy/audit.py", "--from-json", path],
                          capture_output=True, text=True, env={**os.environ, **env})


SKIPPED = {"name": "numpy", "skip_reason": "Dependency not found on PyPI and could not be "
                                           "audited: numpy (2.4.6)"}


def test_audit_fails_on_a_known_vulnerability(tmp_path):
    vulnerable = {"name": "streamlit", "version": "1.30.0",
                  "vulns": [{"id": "GHSA-rxff-vr5r-8cj5", "fix_versions": ["1.37.0"]}]}
    done = audit(tmp_path, {"dependencies": [vulnerable, SKIPPED], "fixes": []})
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == ("pip-audit: 2 packages, 1 audited, 1 skipped (1× "
                                           "Dependency not found on PyPI and could not be "
                                           "audited), 1 known vulnerabilities")
    assert "streamlit 1.30.0: GHSA-rxff-vr5r-8cj5 (fixed in 1.37.0)" in done.stdout


def test_audit_says_when_nothing_could_be_audited(tmp_path):
    done = audit(tmp_path, {"dependencies": [SKIPPED]})
    assert done.returncode == 0, "an unreachable advisory service alone does not fail CI"
    assert "0 audited, 1 skipped" in done.stdout and "nothing was audited" in done.stderr
    assert audit(tmp_path, {"dependencies": [SKIPPED]}, AUDIT_STRICT="1").returncode == 1
    clean = {"name": "plotly", "version": "7.1.0", "vulns": []}
    done = audit(tmp_path, {"dependencies": [clean]})
    assert done.returncode == 0 and "1 audited, 0 skipped" in done.stdout
