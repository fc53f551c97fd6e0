"""Train the demo models shipped in ``lstm_viz/demos/`` and measure them on held-out stories.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python tools/train_demos.py [names...]

Every demo is trained by :func:`lstm_viz.train.train` (NumPy only) from the fixed seed of
its :class:`Recipe`, so a rerun gives the same weights. Three random streams never mix:

- training batches come from ``default_rng(seed)`` (inside ``train``);
- the *probe* stories, on which the interpretable unit is chosen, from
  ``default_rng((seed, PROBE_STREAM))``;
- the *held-out* stories, on which every reported number is measured, from
  ``default_rng((seed, HELD_OUT_STREAM))``: freshly generated, never trained on.

Each ``<name>.npz`` carries in its metadata the recipe (``task``, ``seed``, ``steps``,
``lr`` …), the training ``seconds``, the units found (``unit.gender``, ``unit.male_sign``,
``unit.depth``) and the held-out numbers (``metric.*``). The weights are stored as
float32 (half the size; the numbers are measured on exactly what is stored); training
computes in the recipe's ``dtype`` (float32 unless a recipe says otherwise). One line
per demo is printed: its metrics and how long the training took.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: find lstm_viz beside tools/
    sys.path.insert(0, str(ROOT))

from lstm_viz import evaluate  # noqa: E402
from lstm_viz.demos import NAMES  # noqa: E402
from lstm_viz.model import TokenModel  # noqa: E402
from lstm_viz.tasks import Example, Task, get  # noqa: E402
from lstm_viz.train import TrainResult, train  # noqa: E402

OUT = ROOT / "lstm_viz" / "demos"
PROBE_STREAM, HELD_OUT_STREAM = 1, 2
PROBE_N, HELD_OUT_N = 200, 500  # stories to choose the unit on, and to measure on
MIN_FORGET_GAP = 0.25  # a gender unit's forget gate: mean elsewhere − mean at new subjects


@dataclass(frozen=True)
class Recipe:
    """How one demo is trained."""

    task: str
    seed: int
    steps: int            # Adam updates
    units: int            # H, of the single LSTM layer
    embed_dim: int        # E
    batch: int = 32       # stories per update
    lr: float = 0.01      # Adam's learning rate
    clip: float = 1.0     # largest global gradient norm
    forget_bias: float = 1.0  # added to b_f at the start (f ≈ σ(1) ≈ 0.73)
    dtype: str = "float32"    # what training computes in (float32: ~2.5× faster than float64,
                              # and the weights are shipped as float32 anyway)


# pronoun-zh: with lr 0.01 (seeds 0–8) every model carried the gender but, in its best
# units, overwrote it through the input gate (or reset at every 。) instead of forgetting
# at the new subject; with lr 0.02, seeds 0 and 3 grew a unit that holds through 。 (f ≈ 1)
# and forgets where a new subject begins. Seed 3's is also its best gender unit.
RECIPES = {
    "pronoun-en": Recipe("pronoun-en", seed=2, steps=1500, units=32, embed_dim=16),
    "pronoun-zh": Recipe("pronoun-zh", seed=3, steps=1500, units=32, embed_dim=16, lr=0.02),
    "brackets": Recipe("brackets", seed=0, steps=1000, units=8, embed_dim=4),
    "first-symbol": Recipe("first-symbol", seed=0, steps=500, units=8, embed_dim=4),
}


def train_demo(name: str, steps: int | None = None) -> TrainResult:
    """Train demo ``name`` from its recipe (``steps`` overrides the recipe's, for tests)."""
    r = RECIPES[name]
    task = get(r.task)
    model = TokenModel.random(task.vocab, task.labels, r.embed_dim, (r.units,), seed=r.seed,
                              forget_bias=r.forget_bias, dtype=np.dtype(r.dtype))
    return train(model, lambda rng: task.batch(rng, r.batch), r.steps if steps is None else steps,
                 lr=r.lr, clip=r.clip, seed=r.seed)


def stories(task: Task, seed: int, stream: int, n: int) -> list[Example]:
    """``n`` fresh examples from the random stream ``(seed, stream)``."""
    return task.sample(np.random.default_rng((seed, stream)), n)


def held_out(name: str, n: int = HELD_OUT_N) -> list[Example]:
    """The held-out stories on which the numbers in demo ``name``'s metadata were measured."""
    r = RECIPES[name]
    return stories(get(r.task), r.seed, HELD_OUT_STREAM, n)


def run_batch(model: TokenModel, task: Task, examples: list[Example]):
    """The model over the examples side by side: the layer's trace and the logits, (T, B, ·)."""
    ids, _, _ = task.collate(examples)  # (T, B), padded at the end, which nothing reads
    trace = model.stack.run(model.embedding[ids])
    return trace.layers[0], trace.y  # logits (T, B, K): their argmax is the prediction


def find_units(model: TokenModel, task: Task, examples: list[Example]) -> dict[str, int]:
    """The interpretable units, chosen on ``examples`` (the probe stories).

    The gender unit is a unit that does both things the lesson says: of the units whose
    forget gate is lower where a new subject appears than elsewhere by at least
    ``MIN_FORGET_GAP`` (mean over the probe steps), the one whose cell-state sign tells the
    subject's gender best; when no unit dips that much, simply the best-telling unit. The
    depth unit is the one whose cell state correlates most strongly with the depth.
    """
    layer, _ = run_batch(model, task, examples)
    if task.name.startswith("pronoun"):
        agreement = evaluate.gender_agreement(layer.c, examples).max(axis=0)  # (H,)
        gaps = np.array([np.subtract(*evaluate.forget_at_subject_changes(layer.f, examples, u))
                         for u in range(len(agreement))])  # (H,): at new − elsewhere, < 0
        dips = gaps <= -MIN_FORGET_GAP
        unit = int(np.argmax(np.where(dips, agreement, -1) if dips.any() else agreement))
        return {"gender": unit, "male_sign": evaluate.male_sign(layer.c, examples, unit)}
    if task.name == "brackets":
        return {"depth": evaluate.depth_unit(layer.c, examples).unit}
    return {}


def measure(model: TokenModel, task: Task, examples: list[Example],
            units: dict[str, int]) -> dict[str, float]:
    """The held-out numbers, for the units chosen beforehand."""
    layer, logits = run_batch(model, task, examples)
    out = {}
    for slot, cands in task.slots:
        key = "accuracy" if len(task.slots) == 1 and slot != "pronoun" else f"{slot}_accuracy"
        out[key] = evaluate.slot_accuracy(logits, examples, task.labels, cands)
    if "gender" in units:
        u = units["gender"]
        agree = evaluate.gender_agreement(layer.c, examples)[:, u]  # (2,): c>0 male, c<0 male
        out["gender_agreement"] = float(agree[0 if units["male_sign"] > 0 else 1])
        at_new, elsewhere = evaluate.forget_at_subject_changes(layer.f, examples, u)
        out.update(forget_at_new_subject=at_new, forget_elsewhere=elsewhere)
    if "depth" in units:
        out["depth_correlation"] = float(evaluate.depth_correlation(layer.c, examples)
                                         [units["depth"]])
    return out


def as_float32(model: TokenModel) -> TokenModel:
    """The same model with every weight in float32, as it is shipped."""
    params = {k: v.astype(np.float32) for k, v in model.params().items()}
    return model.with_params(params)


def build(name: str) -> tuple[TokenModel, float]:
    """Train, choose the units, measure; the model (float32, meta filled) and seconds."""
    r = RECIPES[name]
    task = get(r.task)
    result = train_demo(name)
    model = as_float32(result.model)
    units = find_units(model, task, stories(task, r.seed, PROBE_STREAM, PROBE_N))
    metrics = measure(model, task, held_out(name), units)
    meta = {"task": r.task, "seed": r.seed, "steps": result.steps, "lr": r.lr,
            "batch": r.batch, "units": r.units, "embed_dim": r.embed_dim, "clip": r.clip,
            "forget_bias": r.forget_bias, "dtype": r.dtype, "seconds": round(result.seconds, 1),
            "held_out": HELD_OUT_N, "trainer": "lstm_viz.train.train (tools/train_demos.py)"}
    meta.update({f"unit.{k}": v for k, v in units.items()})
    meta.update({f"metric.{k}": v for k, v in metrics.items()})
    return TokenModel(model.vocab, model.embedding, model.stack, model.labels, meta), \
        result.seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", default=list(NAMES),
                        help=f"demos to train (default: all of {', '.join(NAMES)})")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in RECIPES]
    if unknown:
        parser.error(f"unknown demo {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    print(f"{'demo':<13} {'seconds':>7}  held-out metrics ({HELD_OUT_N} stories)  units")
    for name in args.names:
        model, seconds = build(name)
        path = OUT / f"{name}.npz"
        model.save(path)
        metrics = {k[7:]: v for k, v in model.meta.items() if k.startswith("metric.")}
        units = {k[5:]: v for k, v in model.meta.items() if k.startswith("unit.")}
        shown = "  ".join(f"{k}={v:.4f}" for k, v in metrics.items())
        print(f"{name:<13} {seconds:7.1f}  {shown}  {units}  ({path.stat().st_size // 1024} KB)",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
