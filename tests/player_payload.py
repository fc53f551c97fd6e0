"""What the gates player (ui/player.py) was sent, read back from an AppTest run: the tests
of pages that show the player read its data here, as the browser does."""

from __future__ import annotations

import numpy as np

from lstm_viz.explain import fmt
from ui import keys
from ui.player import read_payload


def player_elements(at) -> list:
    return [el for el in at.get("bidi_component")
            if el.proto.component_name == "lstm_viz.player"]


def player_data(at) -> tuple[dict, dict[str, np.ndarray]]:
    """The header and arrays of the page's one player."""
    (el,) = player_elements(at)
    return read_payload(el.proto.bytes)


def player_steps(at) -> int:
    return player_data(at)[0]["steps"]


def values(header: dict, arrays: dict, name: str) -> np.ndarray:
    """Quantity ``name`` ("f" … "h") as the browser reads it, (T, H), in thousandths / 1000."""
    k = arrays[name].astype(np.int64)
    if name in header["gates"]:
        k = k >> 1  # 2·k + b
    return k.reshape(header["steps"], header["units"]) / 1000


def player_values(at, name: str) -> np.ndarray:
    return values(*player_data(at), name)


def set_player(at, step: int, unit: int, key: str = keys.PLAYER):
    """Set the player's state as the browser would after a step, click or key (the
    request's ``rev`` it answers: the one the page sent last)."""
    rev = player_data(at)[0]["request"]["rev"]
    at.session_state[key] = {"at": {"step": step, "unit": unit, "rev": rev}}
    return at.run()


# ---- the step's arithmetic (ui/arith.py), as the browser fills it in ----------------------

def arith_data(at) -> tuple[dict, dict[str, np.ndarray]]:
    """The header and arrays of the page's one arithmetic panel."""
    (el,) = [el for el in at.get("bidi_component")
             if el.proto.component_name == "lstm_viz.arith"]
    return read_payload(el.proto.bytes)


def url_step(at) -> int:
    """The step the player shows, as the page wrote it into the URL (left out at 1)."""
    value = at.query_params.get("step", "1")
    return int(value[0] if isinstance(value, list) else value)


def arithmetic_lines(at, step: int | None = None) -> list[str]:
    """The six lines the browser shows at ``step`` (the player's step when None) for the
    unit whose numbers the page sent: :data:`lstm_viz.explain.LINES` filled by
    :func:`lstm_viz.explain.fill`, which ui/arith.js mirrors (tests/test_browser.py checks
    the two agree)."""
    from lstm_viz.explain import fill

    header, arrays = arith_data(at)
    step = url_step(at) if step is None else step
    assert arrays["finite"][step - 1] == 1, "this step has no arithmetic (inf or NaN)"
    row = arrays["lines"].reshape(header["steps"], -1)[step - 1].astype(np.int64)
    ends = np.cumsum(header["widths"])
    return [fill(line, row[end - width:end], header["digits"])
            for line, width, end in zip(header["lines"], header["widths"], ends, strict=True)]


def arithmetic(at, step: int | None = None) -> str:
    return "\n".join(arithmetic_lines(at, step))


def arithmetic_heading(at) -> str:
    """The panel's heading: the player's step, the unit whose numbers were sent."""
    header, _ = arith_data(at)
    return header["text"]["heading"].format(step=url_step(at), unit=header["unit"])


def arithmetic_inputs(at, step: int | None = None) -> list[str]:
    """The xₜ and hₜ₋₁ lines of ``step``, as the browser writes them."""
    header, arrays = arith_data(at)
    step = url_step(at) if step is None else step

    x = arrays["x"].reshape(header["steps"], -1)[step - 1]
    h_prev = player_values(at, "h")[step - 2] if step > 1 else player_data(at)[1]["h0"] / 1000
    return [f"xₜ = [{', '.join(_fmt3(int(k)) for k in x)}]",  # h_{t-1}: the player's h
            f"hₜ₋₁ = [{', '.join(fmt(v) for v in h_prev)}]"]


def _fmt3(k: int) -> str:
    return fmt(k / 1000)
