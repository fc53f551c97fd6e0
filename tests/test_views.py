"""ui/views.py: a view is a value the caches key by what it stands for; and no cached
function in ui/ reads st.session_state (a view brings the learner's own model with it)."""

import ast

import numpy as np
from conftest import ROOT

from lstm_viz import StackedLSTM
from lstm_viz.inputs import encode
from ui import compute
from ui.views import HASH_FUNCS, Chosen, GatesView


def test_a_view_is_keyed_by_its_values_not_its_model_object():
    demo = compute.demo_chosen("brackets")
    same = Chosen(demo.model, demo.task, demo.key)
    view = GatesView("(a)", "chars", 8, 0, "brackets", 0, demo.key, demo)
    assert view == GatesView("(a)", "chars", 8, 0, "brackets", 0, demo.key, same)
    assert HASH_FUNCS[GatesView](view) == ("(a)", "chars", 8, 0, "brackets", 0, "brackets")
    assert view.trained is demo and view.uploaded is None
    assert view.cache_key() != GatesView("(a)", "chars", 8, 0, "brackets", 1, demo.key,
                                         demo).cache_key()


def test_an_uploaded_stack_runs_from_the_view_alone():
    stack = StackedLSTM.random(2, (3, 4), seed=5)
    view = GatesView("1 0; 0 1; 1 1", "numbers", 8, 0, "uploaded", 1, compute.stack_key(stack),
                     stack)
    assert view.trained is None and view.uploaded is stack
    run = compute.gates_run(view)
    x = encode("1 0; 0 1; 1 1", "numbers").x
    np.testing.assert_allclose(run.trace.h, stack.run(x).layers[1].h, rtol=1e-12)
    assert (run.layer, run.layers) == (1, 2)


def _cached_functions_and_what_they_call(tree: ast.Module):
    """{name: node} of the module's functions, and the names of the cached ones."""
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    cached = [name for name, node in functions.items()
              if any("cache" in ast.unparse(d) for d in node.decorator_list)]
    return functions, cached


def test_no_cached_function_reads_session_state():
    for path in sorted((ROOT / "ui").glob("*.py")):
        functions, cached = _cached_functions_and_what_they_call(ast.parse(path.read_text()))
        assert path.name != "compute.py" or len(cached) >= 10  # the check sees its caches
        for name in cached:  # the function and every function of the module it calls
            seen, todo = set(), [name]
            while todo:
                node = functions[todo.pop()]
                seen.add(node.name)
                body = ast.unparse(ast.Module(node.body, []))
                assert "session_state" not in body, f"{path.name}: {name} → {node.name}"
                todo += [c.func.id for c in ast.walk(node) if isinstance(c, ast.Call)
                         and isinstance(c.func, ast.Name) and c.func.id in functions
                         and c.func.id not in seen]
