"""What a page shows, as one typed value: the controls build a view, the cached runs and the
figures read it.

A view holds plain values (what the learner set) and, where a model of the learner's own is
shown, that model with a ``key`` naming its weights. Caches key a view by
:meth:`GatesView.cache_key` (see :data:`HASH_FUNCS`): the model itself is never hashed, its
``key`` stands for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lstm_viz import StackedLSTM
from lstm_viz.model import TokenModel

# The model options besides the demos (each demo's option is its name).
RANDOM = "random"      # seeded random weights
TRAINED = "trained"    # the learner's own model, trained on /train
UPLOADED = "uploaded"  # a model from the learner's weights file (ui/upload.py)


@dataclass(frozen=True)
class Chosen:
    """A trained model picked by name: the model, its task's name and a key for caches
    (a demo's key is its name; the learner's own model's a digest of its weights)."""

    model: TokenModel = field(compare=False)
    task: str
    key: str


@dataclass(frozen=True)
class GatesView:
    """One view of the gates page (and of /why): ``text`` read by one layer of a model.

    Attributes
    ----------
    text : the sequence as typed.
    mode : how random weights read it: "words", "chars" or "numbers" (a trained model
        reads its own tokens; an uploaded plain stack reads x like random weights).
    units, seed : the random layer's size and seed.
    model : the model option: "random", a demo's name, "trained" or "uploaded".
    layer : the layer shown, 0-based.
    key : what names the chosen model's weights; "" for random weights.
    chosen : the trained model (:class:`Chosen`), the uploaded plain stack, or None for
        random weights. Not part of the cache key: ``key`` stands for it.
    """

    text: str
    mode: str
    units: int
    seed: int
    model: str = RANDOM
    layer: int = 0
    key: str = ""
    chosen: Chosen | StackedLSTM | None = field(default=None, compare=False)

    def cache_key(self) -> tuple:
        """Every value but the model object, whose weights ``key`` names."""
        return (self.text, self.mode, self.units, self.seed, self.model, self.layer, self.key)

    @property
    def trained(self) -> Chosen | None:
        """The trained model the view reads with, or None (random weights, a plain stack)."""
        return self.chosen if isinstance(self.chosen, Chosen) else None

    @property
    def uploaded(self) -> StackedLSTM | None:
        """The uploaded plain stack the view reads with, or None."""
        return self.chosen if isinstance(self.chosen, StackedLSTM) else None


@dataclass(frozen=True)
class StackedView:
    """The stacked page's view: ``text`` read by a stack of random layers of ``units``
    (as typed, e.g. "128, 64, 32, 8") with a dense head of ``dense`` units (0: none), or by
    the learner's uploaded stack (``model`` "uploaded", its weights named by ``key``)."""

    text: str
    mode: str
    units: str
    dense: int
    seed: int
    model: str = RANDOM
    key: str = ""
    stack: StackedLSTM | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ParamsView:
    """The parameter calculator's question: a stack of ``units`` (as typed) on inputs of
    ``input_size``, a dense head of ``dense`` units (0: none), counted the way
    ``convention`` does, one or two directions."""

    input_size: int
    units: str
    dense: int
    convention: str
    bidirectional: bool


# How st.cache_data / st.cache_resource hash these arguments: by the values they stand for,
# never by a model's arrays (Streamlit would copy them for every call).
HASH_FUNCS = {GatesView: GatesView.cache_key, Chosen: lambda chosen: chosen.key}
