"""What the gates player (ui/player.py) was sent, read back from an AppTest run: the tests
of pages that show the player read its data here, as the browser does."""

from __future__ import annotations

import numpy as np

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
