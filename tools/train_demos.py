"""Train the demo models shipped in ``lstm_viz/demos/`` and measure them on held-out stories.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python tools/train_demos.py [names...]

Every demo is trained by :func:`lstm_viz.train.train` (NumPy only) from the fixed seed of
its :class:`Recipe`, so a rerun gives the same weights. Three random streams never mix:

- training batches come from ``default_rng(seed)`` (inside ``train``);
- the *probe* stories, on which the interpretable unit is chosen, from
  ``default_rng((seed, PROBE_STREAM))``;
- the *held-out* stories, on which every reported number is measured, from
  ``default_rng((seed, HELD_OUT_STREAM))``: freshly generated, never trained on.

For the pronoun demos two more sets are measured, both never trained on:

- the hand-written *held-out families* of ``lstm_viz/demos/held_out.txt``: sentence shapes
  the generator never makes (:func:`held_out_families`);
- *far* stories (:func:`far_stories`) whose last pronoun lies at twice the longest
  subject-to-pronoun distance of the training stories (noted by :class:`NotingBatches` as the
  training draws them; ``--measure`` finds it again by replaying the training stream,
  :func:`training_max_distance`), half of them with every object in the run of the
  other gender.

Each ``<name>.npz`` carries in its metadata the recipe (``task``, ``seed``, ``steps``,
``lr`` …), the units found (``unit.gender``, ``unit.male_sign``,
``unit.depth``), the longest training distance (``train.max_distance``) and the held-out
numbers (``metric.*``). The weights are stored as float32 (half the size; the numbers are
measured on exactly what is stored); training computes in the recipe's ``dtype`` (float32
unless a recipe says otherwise). The file is written byte for byte the same on every rerun
(:func:`write`: no clock in it, neither the zip's dates nor the training time), so a
retrained file can be compared with the shipped one by ``cmp``. One line per demo is
printed: how long the training took (wall clock and this process's CPU time; the
machine, not the recipe, decides those, so they are not stored) and its metrics.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: find lstm_viz beside tools/
    sys.path.insert(0, str(ROOT))

from lstm_viz import evaluate  # noqa: E402
from lstm_viz.demos import NAMES  # noqa: E402
from lstm_viz.model import TokenModel  # noqa: E402
from lstm_viz.story import story_example  # noqa: E402
from lstm_viz.tasks import Example, Task, distance_story, get  # noqa: E402
from lstm_viz.train import TrainResult, train  # noqa: E402

OUT = ROOT / "lstm_viz" / "demos"
HELD_OUT_FILE = OUT / "held_out.txt"
PROBE_STREAM, HELD_OUT_STREAM, FAR_STREAM = 1, 2, 4
PROBE_N, HELD_OUT_N, FAR_N = 200, 500, 300  # stories: to choose the unit, to measure, far
# A gender unit's forget gate: its mean where a sentence about the same subject starts
# minus its mean where a new subject is named (the issue asks ≥ 0.3).
MIN_FORGET_GAP = 0.3
MIN_AGREEMENT = 0.95  # … and the share of steps whose C sign tells the gender (issue: ≥ 0.95)


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


# The pronoun demos (issue 12 grammar: time words, no-clause sentences, repeated subjects,
# object runs, "then"/后来 openers), judged on the four targets (held-out families
# ≥ 98%, far stories ≥ 95%, agreement ≥ 95%, forget gap ≥ 0.3). Search record, all with
# 32 units, E 16, 1500 steps, lr 0.01 (en) / 0.02 (zh):
# 1. Old generator weights (MORE 0.4, TIME_FIRST 0.25, LINKED 0.4), float64 trainer: seeds
#    0–3 with forget bias 3, seed 0 with forget bias 1. No candidate met all four (English
#    seed 0: families 96.5%, missing "yesterday he …"/"he saw …"; Chinese seed 0: gap 0.12).
# 2. Current float32 trainer, generator weights MORE 0.5, TIME_FIRST 0.4, LINKED 0.6 (in
#    lstm_viz/tasks.py: more sentence starts that keep the subject, "then he …"/后来他…,
#    and more time words before a new subject, so that a sentence start or a time word is
#    no sign that the subject changes; the held-out families stay out of the generator):
#    English, forget bias 3 (f ≈ σ(3) ≈ 0.95 at the start: a unit must learn to drop f):
#      seed 0: families 100%, gap 0.42, far 81% (misses far); seed 1: families 95.3%, far
#      68%; seed 2: families 98.8%, far 100%, agreement 99.1%, gap 0.30 (f 0.41 at a new
#      subject, 0.72 at a same-subject start): shipped until 4; the gap is at the edge (0.26 on
#      the 300 fresh stories of tests/test_demos.py, a strict xfail there).
#    Chinese: seed 0, forget bias 3: families 100%, far 100%, agreement 97.4%, gap 0.03 (f
#      0.77 at a new subject, 0.79 at a same-subject start): gap missed; seed 1:
#      gap −0.03, far 74%; seed 2: gap 0.17, families 94.1%; seed 0 with forget bias 1:
#      gap 0.23, families 90.6%, far 71%; forget bias 5: gap 0.09, far 56%; seed 0 with
#      MORE 0.6 and LINKED 0.7 (Chinese-only try): gap −0.03, far 92.3%; forget bias 2:
#      gap 0.09, families 97.6%, far 56%.
#    A lower forget bias opens the gap but costs the held-out families and far stories.
# 3. Same weights, seeds 3–4, forget bias 3, each trained twice (identical files):
#    English seed 3: families 100%, far 100%, agreement 98.7%, gap 0.29; seed 4: families
#      89.4%, far 77%. Seed 2 kept.
#    Chinese seed 3: gap −0.14, far 78%; seed 4: families 98.8%, far 97.7%, agreement
#      94.9%, gap 0.2997 (f 0.56 at a new subject, 0.86 at a same-subject start) on the
#      script's stories, 95.3% and 0.32 on the fresh stories of tests/test_demos.py: at the
#      edge of two targets, but the one unit that forgets at new subjects: shipped.
# 4. Longer training (same weights, forget bias 3), seeds trained side by side with
#    lstm_viz.train.train_together (bit for bit train()), each measured at checkpoints as
#    if the recipe's steps were the checkpoint (far distance from the training stream
#    replayed up to there); "fresh" = the 300 stories of tests/test_demos.py (gap, far).
#    English, lr 0.01, checkpoints 1500 / 2000 / 2500 / 3000 steps:
#      seed 0: families 100 / 97.6 / 97.6 / 100%, far 81 / 100 / 79 / 96.3%, agreement
#        97.1 / 93.6 / 94.9 / 97.8%, gap 0.42 / 0.46 / 0.35 / 0.37 (fresh 0.37 at 3000):
#        all four at 3000 only, with far at 96.3%, and the unit changes on the way (1 → 27);
#      seed 1: gap 0.19–0.21, far 68–81%, families 95–99% at every checkpoint;
#      seed 2 (the old ship): gap 0.30 / 0.30 / 0.31 / 0.32 (fresh 0.26–0.27), families
#        98.8 / 100 / 100 / 100%, far 100%, agreement 99%: the gap stays at the edge;
#      seed 3: 1500: gap 0.29 (fresh 0.23); 2000, 2500, 3000: families 100%, far 100%,
#        agreement 97.5 / 97.7 / 97.6%, gap 0.489 / 0.489 / 0.491 (fresh 0.43), unit 28
#        throughout: settled by 2000 steps. Shipped: seed 3, 2000 steps.
#    Chinese, lr 0.02, checkpoints 1500 / 2000 / 2500 / 3000: nothing moves after 1500
#      steps but one unit swap: seed 0 gap 0.03–0.04 (families, far 100%); seed 1 gap
#      −0.04, far 74–75%; seed 2 families 94.1% (worst family 50%) throughout, gap 0.17
#      until 2500, then 0.54 at 3000 (another unit, agreement 95.7%); seed 3 gap −0.14,
#      far 78–80%, families 94–95%.
#    Chinese, lr 0.01, checkpoints 2000 / 3000: seed 0 gap −0.12, far 79–81%; seed 1
#      families 98.8%, far 99%, agreement 98.8%, gap 0.09 (f 0.54 at a new subject, 0.63
#      at a same-subject start); seed 2 gap 0.44 (f 0.42 / 0.87) but families 95.3 /
#      96.5%, far 80 / 88%, agreement 95.3 / 95.4%; seed 3 gap −0.02, far 56 / 65%; seed 4
#      gap −0.16 / −0.06, far 54 / 99%; seed 5 gap −0.12, far 58–59%. None.
#    Chinese, lr 0.01, checkpoints 1500 / 2000, seeds 6–11: seed 6 families 92.9%, gap
#      −0.04 / −0.07; seed 7 families 100%, far 71 / 90%, gap 0.07 / 0.12; seed 8 gap 0.08,
#      far 66 / 67%; seed 9 families 100%, gap 0.08, far 63–64%; seed 10 families 100%,
#      far 99.3%, agreement 99.0%, gap 0.15 (f 0.62 / 0.77); seed 11 families 96.5%, gap
#      −0.06, far 79 / 81%. None: the chosen units' f at a new subject stays at
#      0.62–0.93.
#    Chinese, 48 units (E 16, lr 0.02; the file would be ~60 KB), checkpoints 1500 / 2000:
#      seed 0 families 100%, far 99.7 / 99.0%, gap 0.05 (f 0.92 / 0.96); seed 1 gap 0.18,
#      far 75 / 69%; seed 2 far 94.7 / 95.0%, agreement 99.6%, gap 0.33 / 0.34 (f 0.36 at
#      a new subject, 0.70 at a same-subject start; fresh 0.33, far 96%) but families 95.3%
#      (worst family 60%); seed 3 families 100%, gap 0.18, far 88 / 86%. 2000 steps,
#      seeds 4–7: seed 4 gap 0.16, far 86%; seed 5 gap 0.32 (fresh 0.27), families
#      96.5%, far 81%; seed 6 families 91.8%, gap 0.18; seed 7 families 100%, agreement
#      98.9%, gap 0.31 (fresh 0.31) but far 85% (fresh 88%). 1500 steps, seeds 8–11:
#      seed 8 gap 0.14, far 70%; seed 9 families 100%, far 99.7%, gap 0.04; seed 10 gap
#      −0.03, far 78%; seed 11 families 100%, gap −0.04, far 82%. None; the search stopped
#      there (issue 12's time box). Next untried: generator weights that put more new
#      subjects right after a sentence start (Chinese only, so that the English data and
#      its shipped model stay as they are), or 48 units with more seeds.
# 5. Chinese, seed 4 (the 1500-step ship of 3), lr 0.02, checkpoints 1500 / 1750 / 2000 /
#    2500 / 3000 / 3500 / 4000, forget bias 3: agreement 94.9 / 95.4 / 95.7 / 95.9 / 95.9 /
#    95.95 / 95.99%, gap 0.30 / 0.40 / 0.40 / 0.40 / 0.41 / 0.40 / 0.40 (unit 5 from 1750
#    on), families 98.8% throughout, far 97.7 / 93.0 / 95.7 / 96.7 / 97.0 / 98.3 / 98.0%.
#    Forget bias 3.5 (1500–3000): gap −0.13, far 49–68%; 2.75 (2000 / 3000 / 4000): gap
#    0.26 / 0.37 / 0.37 but families 95.3 / 96.5 / 96.5%; lr 0.025 (1500–3000): gap
#    −0.08 to −0.03, far 63–69%. Shipped: seed 4, 4000 steps (f 0.51 at a new subject,
#    0.90 at a same-subject start; fresh: agreement 96.0%, gap 0.40).
# 6. English, a cheaper recipe (issue 16: the demo retrains in ≤ 15 s on one core; 2000
#    steps took 26–30 s of CPU even with the batches' cheaper draws and without the
#    replayed training stream). Same weights, forget bias 3, lr 0.02, seeds 0–5 trained
#    side by side (train_together), checkpoints 800 / 1000 / 1200; "fresh" as in 4:
#      seed 0: families 100 / 100 / 96.5%, far 100 / 100 / 99.3%, gap 0.08 / 0.08 / 0.03;
#      seed 1: families 96.5–97.6%, gap −0.04 to −0.05; seed 2: families 98.8%, far
#      98.3–98.7%, agreement 99.3–99.4%, gap 0.31 (fresh 0.26); seed 4: gap −0.10;
#      seed 5: agreement 97.0–97.2%, gap 0.15;
#      seed 3: families 100%, far 100%, agreement 98.55%, gap 0.45 / 0.46 / 0.46 (f 0.33–0.34
#        at a new subject, 0.79 at a same-subject start; fresh: agreement 98.6%, gap 0.43,
#        far 100%), unit 0 throughout. Seed 3 alone, checkpoints 400 / 500 / 600 / 700 /
#        800: far 94.3 / 94.0% at 400 / 500 (unit 0, gap 0.43 / 0.42), at 600 another unit
#        (28) is chosen and fails (gap 0.02, families 97.6%), from 700 on unit 0 again with
#        every target met (700: gap 0.45, far 100%). Shipped: seed 3, lr 0.02, 800 steps
#        (the 2000-step, lr 0.01 recipe of 4 before: unit 28, agreement 97.5%, gap 0.49).
RECIPES = {
    "pronoun-en": Recipe("pronoun-en", seed=3, steps=800, units=32, embed_dim=16, lr=0.02,
                         forget_bias=3.0),
    "pronoun-zh": Recipe("pronoun-zh", seed=4, steps=4000, units=32, embed_dim=16, lr=0.02,
                         forget_bias=3.0),
    "brackets": Recipe("brackets", seed=0, steps=1000, units=8, embed_dim=4),
    "first-symbol": Recipe("first-symbol", seed=0, steps=500, units=8, embed_dim=4),
}


class NotingBatches:
    """``train``'s batches (``task.batch(rng, size)``: the same draws), noting as they are
    drawn the longest subject-to-pronoun distance of their stories (pronoun tasks; 0
    otherwise): what :func:`training_max_distance` finds by replaying the stream, without
    drawing every story a second time."""

    def __init__(self, task: Task, size: int):
        self.task, self.size = task, size
        self.pronouns = task.candidates("pronoun") if task.name.startswith("pronoun") else ()
        self.longest = 0

    def __call__(self, rng: np.random.Generator):
        examples = self.task.sample(rng, self.size)
        if self.pronouns:
            self.longest = max([self.longest, *(
                d for ex in examples
                for d in evaluate.pronoun_distances(ex, self.pronouns).values())])
        return self.task.collate(examples)


def train_demo(name: str, steps: int | None = None, recipe: Recipe | None = None,
               batches: NotingBatches | None = None) -> TrainResult:
    """Train demo ``name`` from its recipe (``steps`` overrides the recipe's, for tests;
    ``recipe`` the whole recipe, for a search; ``batches``, made for the recipe's task
    and batch size, to read its ``longest`` afterwards)."""
    r = recipe or RECIPES[name]
    task = get(r.task)
    model = TokenModel.random(task.vocab, task.labels, r.embed_dim, (r.units,), seed=r.seed,
                              forget_bias=r.forget_bias, dtype=np.dtype(r.dtype))
    return train(model, batches or NotingBatches(task, r.batch),
                 r.steps if steps is None else steps, lr=r.lr, clip=r.clip, seed=r.seed)


def stories(task: Task, seed: int, stream: int, n: int) -> list[Example]:
    """``n`` fresh examples from the random stream ``(seed, stream)``."""
    return task.sample(np.random.default_rng((seed, stream)), n)


def held_out(name: str, n: int = HELD_OUT_N) -> list[Example]:
    """The held-out stories on which the numbers in demo ``name``'s metadata were measured."""
    r = RECIPES[name]
    return stories(get(r.task), r.seed, HELD_OUT_STREAM, n)


def held_out_families(task: str, path: Path = HELD_OUT_FILE) -> dict[str, list[Example]]:
    """The hand-written held-out stories of ``task``, family by family.

    Each story is read by :func:`lstm_viz.story.story_example`: subjects as
    :func:`~lstm_viz.story.read_story` finds them, targets where the next token is a label.
    """
    families: dict[str, list[Example]] = {}
    family = None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("=="):
            name = line[2:].split(":", 1)[0].split()   # task, family
            family = name[1] if name[0] == task else None
            if family is not None:
                families[family] = []
            continue
        if family is None:
            continue
        example = story_example(task, get(task).tokenize(line))
        if not example.annotations.new_subject[:3].count(True):
            raise ValueError(f"{path.name}:{n}: a story must open with its subject")
        families[family].append(example)
    return families


def training_max_distance(name: str, recipe: Recipe | None = None) -> int:
    """The longest subject-to-pronoun distance (:func:`lstm_viz.evaluate.pronoun_distances`)
    in the stories demo ``name`` was trained on: its training stream replayed."""
    r = recipe or RECIPES[name]
    task, rng = get(r.task), np.random.default_rng(r.seed)  # the stream train() draws from
    pronouns = task.candidates("pronoun")
    longest = 0
    for _ in range(r.steps):
        for ex in task.sample(rng, r.batch):
            longest = max([longest, *evaluate.pronoun_distances(ex, pronouns).values()])
    return longest


def far_stories(name: str, distance: int, n: int = FAR_N,
                recipe: Recipe | None = None) -> list[Example]:
    """``n`` stories whose last pronoun lies ``distance`` steps from its subject; every
    other story has all the objects of that run of the other gender."""
    r = recipe or RECIPES[name]
    rng = np.random.default_rng((r.seed, FAR_STREAM))
    return [distance_story(r.task, rng, distance, other_gender=bool(k % 2)) for k in range(n)]


def run_batch(model: TokenModel, task: Task, examples: list[Example]):
    """The model over the examples side by side: the layer's trace and the logits, (T, B, ·)."""
    ids, _, _ = task.collate(examples)  # (T, B), padded at the end, which nothing reads
    trace = model.stack.run(model.embedding[ids])
    return trace.layers[0], trace.y  # logits (T, B, K): their argmax is the prediction


def find_units(model: TokenModel, task: Task, examples: list[Example]) -> dict[str, int]:
    """The interpretable units, chosen on ``examples`` (the probe stories).

    The gender unit is a unit that does both things the lesson says: of the units whose
    forget gate is lower where a new subject is named than where a sentence about the same
    subject starts by at least ``MIN_FORGET_GAP`` (means over the probe steps) and whose
    cell-state sign tells the subject's gender on at least ``MIN_AGREEMENT`` of the steps,
    the one that tells it best; when no unit does both, simply the best-telling unit. The
    depth unit is the one whose cell state correlates most strongly with the depth.
    """
    layer, _ = run_batch(model, task, examples)
    if task.name.startswith("pronoun"):
        agreement = evaluate.gender_agreement(layer.c, examples).max(axis=0)  # (H,)
        gaps = np.array([evaluate.forget_at_same_subject_starts(layer.f, examples, u)
                         - evaluate.forget_at_subject_changes(layer.f, examples, u).at_new_subject
                         for u in range(len(agreement))])  # (H,)
        both = (gaps >= MIN_FORGET_GAP) & (agreement >= MIN_AGREEMENT)
        unit = int(np.argmax(np.where(both, agreement, -1) if both.any() else agreement))
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
        same = evaluate.forget_at_same_subject_starts(layer.f, examples, u)
        out.update(forget_at_new_subject=at_new, forget_at_same_subject_start=same,
                   forget_elsewhere=elsewhere)
    if "depth" in units:
        out["depth_correlation"] = float(evaluate.depth_correlation(layer.c, examples)
                                         [units["depth"]])
    return out


def measure_beyond(model: TokenModel, name: str, far: int,
                   recipe: Recipe | None = None) -> dict[str, float]:
    """Pronoun accuracy on the held-out families (all of them, and the worst family) and
    on :func:`far_stories` at distance ``far`` (there: only the last, far pronoun)."""
    task = get((recipe or RECIPES[name]).task)
    pronouns = task.candidates("pronoun")
    families = held_out_families(task.name)
    every = [ex for exs in families.values() for ex in exs]
    scores = []
    for exs in families.values():
        _, logits = run_batch(model, task, exs)
        scores.append(evaluate.slot_accuracy(logits, exs, task.labels, pronouns))
    _, logits = run_batch(model, task, every)
    far_examples = far_stories(name, far, recipe=recipe)
    _, far_logits = run_batch(model, task, far_examples)
    by = evaluate.accuracy_by_distance(far_logits, far_examples, task.labels, pronouns)
    return {"families_accuracy": evaluate.slot_accuracy(logits, every, task.labels, pronouns),
            "worst_family_accuracy": min(scores),
            "far_accuracy": by.accuracy[by.distances.index(far)]}


def as_float32(model: TokenModel) -> TokenModel:
    """The same model with every weight in float32, as it is shipped."""
    params = {k: v.astype(np.float32) for k, v in model.params().items()}
    return model.with_params(params)


def build(name: str, recipe: Recipe | None = None) -> tuple[TokenModel, float, float]:
    """Train, choose the units, measure; the model (float32, meta filled) and the training's
    wall-clock and CPU seconds (this process's CPU time: on a shared machine, nearer than the
    wall clock to what one free core takes). ``recipe`` replaces the demo's own (for a
    search); the files are not written here."""
    r = recipe or RECIPES[name]
    cpu = time.process_time()
    batches = NotingBatches(get(r.task), r.batch)
    result = train_demo(name, recipe=r, batches=batches)
    cpu = time.process_time() - cpu
    model = as_float32(result.model)
    meta = {"task": r.task, "seed": r.seed, "steps": result.steps, "lr": r.lr,
            "batch": r.batch, "units": r.units, "embed_dim": r.embed_dim, "clip": r.clip,
            "forget_bias": r.forget_bias, "dtype": r.dtype,
            "held_out": HELD_OUT_N, "trainer": "lstm_viz.train.train (tools/train_demos.py)"}
    return with_measurements(model, name, r, meta, batches.longest), result.seconds, cpu


def with_measurements(model: TokenModel, name: str, r: Recipe, meta: dict,
                      longest: int | None = None) -> TokenModel:
    """The model with its units and every measured number added to ``meta``; ``longest``,
    the longest subject-to-pronoun distance of the training stories, as the training noted
    it (:class:`NotingBatches`), or None to replay the training stream for it
    (:func:`training_max_distance`)."""
    task = get(r.task)
    units = find_units(model, task, stories(task, r.seed, PROBE_STREAM, PROBE_N))
    metrics = measure(model, task, stories(task, r.seed, HELD_OUT_STREAM, HELD_OUT_N), units)
    meta = dict(meta)
    if "gender" in units:
        if longest is None:
            longest = training_max_distance(name, r)
        metrics.update(measure_beyond(model, name, 2 * longest, r))
        meta.update({"train.max_distance": longest, "far_distance": 2 * longest})
    meta.update({f"unit.{k}": v for k, v in units.items()})
    meta.update({f"metric.{k}": v for k, v in metrics.items()})
    return TokenModel(model.vocab, model.embedding, model.stack, model.labels, meta)


def write(model: TokenModel, path: Path) -> None:
    """:meth:`TokenModel.save`, then every zip entry rewritten with one fixed date (1980-01-01,
    zip's earliest) in the same order: the bytes depend on the model alone."""
    buffer = io.BytesIO()
    model.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            out.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)),
                         src.read(info.filename))


def report_line(name: str, model: TokenModel, seconds: float, extra: str = "") -> str:
    """One printed line: the demo, training wall-clock seconds (0: not trained here), every
    metric, the units."""
    metrics = {k[7:]: v for k, v in model.meta.items() if k.startswith("metric.")}
    units = {k[5:]: v for k, v in model.meta.items() if k.startswith("unit.")}
    far = model.meta.get("far_distance")
    shown = "  ".join(f"{k}={v:.4f}" for k, v in metrics.items())
    far = f"  far distance {far} (training's longest {model.meta['train.max_distance']})" \
        if far is not None else ""
    return f"{name:<13} {seconds:7.1f}  {shown}  {units}{far}{extra}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", default=list(NAMES),
                        help=f"demos to train (default: all of {', '.join(NAMES)})")
    parser.add_argument("--measure", action="store_true",
                        help="re-measure the shipped weights (units chosen again on the probe "
                             "stories, as in training); no training")
    parser.add_argument("--search", metavar="SEEDS",
                        help="try these seeds (e.g. 0-4 or 1,3) with the recipe otherwise "
                             "unchanged, print each one's line, write no file")
    parser.add_argument("--lr", type=float, nargs="+", help="with --search: these learning rates")
    parser.add_argument("--forget-bias", type=float, nargs="+",
                        help="with --search: these forget-gate biases at the start")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in RECIPES]
    if unknown:
        parser.error(f"unknown demo {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    print(f"{'demo':<13} {'seconds':>7}  held-out metrics ({HELD_OUT_N} stories)  units")
    for name in args.names:
        if args.measure:
            stored = TokenModel.load(OUT / f"{name}.npz")
            meta = {k: v for k, v in stored.meta.items() if not k.startswith(("metric.", "unit."))}
            model = with_measurements(stored, name, RECIPES[name], meta)
            print(report_line(name, model, 0.0), flush=True)
        elif args.search:
            r = RECIPES[name]
            for seed, lr, bias in search_grid(args.search, args.lr or [r.lr],
                                              args.forget_bias or [r.forget_bias]):
                model, seconds, cpu = build(name, replace(r, seed=seed, lr=lr, forget_bias=bias))
                print(report_line(name, model, seconds, f"  ({cpu:.1f} s CPU)"
                                  f"  seed={seed} lr={lr} forget_bias={bias}"), flush=True)
        else:
            model, seconds, cpu = build(name)
            path = OUT / f"{name}.npz"
            write(model, path)
            print(report_line(name, model, seconds, f"  ({cpu:.1f} s CPU;"
                              f" {path.stat().st_size // 1024} KB)"), flush=True)
    return 0


def search_grid(seeds: str, lrs: list[float],
                biases: list[float]) -> list[tuple[int, float, float]]:
    """"0-4" or "1,3" (seeds) × learning rates × forget biases: at most 20 runs, to keep
    it bounded."""
    parts = [p.split("-") for p in seeds.split(",")]
    chosen = [s for p in parts for s in range(int(p[0]), int(p[-1]) + 1)]
    grid = [(s, lr, b) for b in biases for lr in lrs for s in chosen]
    if not 1 <= len(grid) <= 20:
        raise SystemExit(f"a search tries 1 to 20 recipes; {len(grid)} asked")
    return grid


if __name__ == "__main__":
    sys.exit(main())
