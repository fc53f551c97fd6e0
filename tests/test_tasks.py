"""Tests for lstm_viz/tasks.py: every generated example is re-read here by rules written
independently of the generators (their own noun tables, their own parser)."""

import doctest
import hashlib

import numpy as np
import pytest

from lstm_viz import model, tasks
from lstm_viz.tasks import PAD, TASKS, Annotations, Example, Task, UnknownTokens, get

N = 400  # examples per task in the statistical tests

# ---- an independent reading of the two pronoun grammars --------------------------

EN_CLASS = {"John": "m", "Tom": "m", "Jack": "m", "boy": "m", "king": "m",
            "Mary": "f", "Anna": "f", "Lucy": "f", "girl": "f", "queen": "f",
            "boys": "pl", "girls": "pl", "kids": "pl"}
EN_PRONOUN = {"m": "he", "f": "she", "pl": "they"}
ZH_CLASS = {"小明": "m", "小刚": "m", "爸爸": "m", "爷爷": "m", "哥哥": "m",
            "小红": "f", "小丽": "f", "妈妈": "f", "奶奶": "f", "姐姐": "f",
            "同学们": "pl", "老师们": "pl", "孩子们": "pl"}
ZH_PRONOUN = {"m": "他", "f": "她", "pl": "他们"}


def read_en(tokens):
    """Nouns as (step, class, is_subject) and pronouns/verbs as (step, token, subject)."""
    nouns, words, subject, start = [], [], "", 0
    classes = []
    for t, tok in enumerate(tokens):
        if t == start and tok in ("today", "yesterday"):
            start += 1  # a time word before the subject
        if tok in EN_CLASS:  # a name, or the noun after "the"
            is_subject = t == start or (t == start + 1 and tokens[start] == "the")
            subject = EN_CLASS[tok] if is_subject else subject
            nouns.append((t, EN_CLASS[tok], is_subject))
        if tok in ("he", "she", "they", "is", "are"):
            words.append((t, tok, subject))
        classes.append(subject)
        start = t + 1 if tok == "." else start
    return nouns, words, classes


def read_zh(tokens):
    """The same for Chinese: nouns are found by matching the characters to ZH_CLASS."""
    nouns, words, subject = [], [], ""
    classes, t = [], 0
    settles = {}  # step at which a noun's class is known: 2nd char for 小…, else 1st
    while t < len(tokens):
        rest = "".join(tokens[t:t + 3])
        word = next((w for w in ZH_CLASS if rest.startswith(w)), None)
        if word:
            opens = t - 2 if "".join(tokens[max(t - 2, 0):t]) in ("今天", "昨天") else t
            is_subject = opens == 0 or tokens[opens - 1] == "。"
            settles[t + (1 if word[0] == "小" else 0)] = (ZH_CLASS[word], is_subject)
            t += len(word)
        else:
            t += 1
    for t, tok in enumerate(tokens):
        if t in settles:
            cls, is_subject = settles[t]
            subject = cls if is_subject else subject
            nouns.append((t, cls, is_subject))
        if tok in ZH_PRONOUN.values():
            words.append((t, tok, subject))
        classes.append(subject)
    return nouns, words, classes


READERS = {"pronoun-en": (read_en, EN_PRONOUN, ("and", ".", "then")),
           "pronoun-zh": (read_zh, ZH_PRONOUN, ("，", "。", "来"))}


def samples(name, n=N, seed=7):
    return get(name).sample(np.random.default_rng(seed), n)


# ---- determinism -----------------------------------------------------------------

@pytest.mark.parametrize("name", list(TASKS))
def test_same_seed_same_examples_other_seed_others(name):
    task = get(name)
    a = task.sample(np.random.default_rng(3), 20)
    b = task.sample(np.random.default_rng(3), 20)
    c = task.sample(np.random.default_rng(4), 20)
    assert a == b
    assert a != c
    for x, y in zip(task.batch(np.random.default_rng(5), 16), task.batch(np.random.default_rng(5),
                                                                          16), strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("name", list(TASKS))
def test_examples_vary_within_a_sample(name):
    exs = samples(name, 50)
    assert len({ex.tokens for ex in exs}) >= 45
    assert len({len(ex) for ex in exs}) >= 5  # lengths vary


# ---- well-formed examples --------------------------------------------------------

@pytest.mark.parametrize("name", list(TASKS))
def test_examples_are_well_formed(name):
    task = get(name)
    for ex in samples(name):
        assert len(ex.targets) == len(ex.tokens) >= 1
        assert set(ex.targets) <= set(task.labels) | {""}
        notes = ex.annotations
        assert notes.slot == tuple(bool(y) for y in ex.targets)
        for field in ("subject", "new_subject", "depth", "sentence_start"):
            assert len(getattr(notes, field)) in (0, len(ex))
    # a pronoun story may, rarely, have no pronoun (every subject's sentence ended plainly)
    graded = np.mean([any(ex.targets) for ex in samples(name)])
    assert graded >= (0.95 if name.startswith("pronoun") else 1.0)


@pytest.mark.parametrize("name", list(TASKS))
def test_vocab_is_exactly_the_tokens_used(name):
    task = get(name)
    used = {tok for ex in samples(name, 2000) for tok in ex.tokens}
    assert task.vocab[0] == PAD
    assert used == set(task.vocab[1:])  # nothing missing, nothing stale


def test_pronoun_en_vocab_is_small():
    assert len(get("pronoun-en").vocab) <= 60


@pytest.mark.parametrize("name", list(READERS))
def test_every_pronoun_agrees_with_the_latest_subject(name):
    read, pronoun, _ = READERS[name]
    n_pronouns = 0
    for ex in samples(name):
        _, words, _ = read(ex.tokens)
        for _, tok, subject in words:
            if tok in pronoun.values():
                assert subject, f"pronoun before any subject in {ex.tokens}"
                assert tok == pronoun[subject], ex.tokens
                n_pronouns += 1
            else:  # is / are
                assert tok == ("are" if subject == "pl" else "is"), ex.tokens
    assert n_pronouns > 2 * N


@pytest.mark.parametrize("name", list(READERS))
def test_targets_are_the_next_pronoun_or_verb(name):
    read, pronoun, _ = READERS[name]
    for ex in samples(name):
        _, words, _ = read(ex.tokens)
        expected = [""] * len(ex)
        for t, tok, _ in words:
            expected[t - 1] = tok
        assert ex.targets == tuple(expected)


@pytest.mark.parametrize("name", list(READERS))
def test_subject_annotations_match_an_independent_reading(name):
    read = READERS[name][0]
    for ex in samples(name):
        nouns, _, classes = read(ex.tokens)
        assert ex.annotations.subject == tuple(classes)
        new = tuple(any(t == s and subj for s, _, subj in nouns) for t in range(len(ex)))
        assert ex.annotations.new_subject == new


@pytest.mark.parametrize("name", list(READERS))
def test_subjects_change_mid_sequence(name):
    read = READERS[name][0]
    class_changes = 0
    for ex in samples(name):
        subjects = [cls for _, cls, is_subject in read(ex.tokens)[0] if is_subject]
        assert len(subjects) >= 2  # every story has a second subject
        class_changes += any(a != b for a, b in zip(subjects, subjects[1:], strict=False))
    assert class_changes >= 0.6 * N  # about 0.8: most stories change gender or number


@pytest.mark.parametrize("name", list(READERS))
def test_nouns_of_the_other_gender_come_between_subject_and_pronoun(name):
    read, pronoun, _ = READERS[name]
    other = {"m": "f", "f": "m"}
    blocks = crossed = stories = 0
    for ex in samples(name):
        nouns, words, _ = read(ex.tokens)
        story_crossed = False
        for t, cls, is_subject in nouns:
            if not is_subject or cls not in other:
                continue
            later = [s for s, tok, _ in words if s > t and tok in pronoun.values()]
            if not later:
                continue
            first_pronoun = min(later)
            between = {c for s, c, subj in nouns if t < s < first_pronoun and not subj}
            blocks += 1
            crossed += other[cls] in between
            story_crossed |= other[cls] in between
        stories += story_crossed
    assert crossed >= 0.3 * blocks   # about 0.45 (English), 0.4 (Chinese)
    assert stories >= 0.4 * N        # about 0.6, 0.55


@pytest.mark.parametrize("name", list(READERS))
def test_the_pronoun_needs_memory_of_the_subject(name):
    """The step before a pronoun is always a punctuation or 'and' token, and guessing
    from the nearest noun (ignoring which one is the subject) is often wrong."""
    read, pronoun, markers = READERS[name]
    right = total = 0
    for ex in samples(name):
        nouns, words, _ = read(ex.tokens)
        for t, tok, _ in words:
            if tok not in pronoun.values():
                continue
            assert ex.tokens[t - 1] in markers
            nearest = max((s, cls) for s, cls, _ in nouns if s < t)[1]
            right += pronoun[nearest] == tok
            total += 1
    assert right / total < 0.6   # about 0.35 (English), 0.4 (Chinese)


@pytest.mark.parametrize("name", list(READERS))
def test_a_full_stop_does_not_end_the_subject(name):
    """After a full stop comes either a new subject or another pronoun for the same one
    (perhaps after "then" / 后来), and a subject may get one, two, three or more
    sentences: only a new subject tells the model that the old one is spent."""
    read, pronoun, (_, stop, _) = READERS[name]
    same = set(pronoun.values()) | {"then", "后"}
    followed_by_pronoun = followed_by_subject = 0
    sentences_per_subject = []
    for ex in samples(name):
        nouns, _, _ = read(ex.tokens)
        starts = {t for t, _, subj in nouns if subj}
        for t, tok in enumerate(ex.tokens[:-1]):
            if tok == stop:
                followed_by_pronoun += ex.tokens[t + 1] in same
                followed_by_subject += ex.tokens[t + 1] not in same
        count = 0
        for t, tok in enumerate(ex.tokens):
            if t in starts and count:
                sentences_per_subject.append(count)
                count = 0
            count += tok == stop
        sentences_per_subject.append(count)
    stops = followed_by_pronoun + followed_by_subject
    # ≈ 0.62 with MORE = 0.5: neither way is near-certain, so a stop tells nothing alone
    assert 0.2 < followed_by_pronoun / stops < 0.7
    assert {1, 2, 3} <= set(sentences_per_subject)


def test_pronoun_zh_tokens_are_single_characters_except_the_plural_pronoun():
    multi = {tok for ex in samples("pronoun-zh") for tok in ex.tokens if len(tok) != 1}
    assert multi == {"他们"}
    assert "他们" in get("pronoun-zh").labels


# ---- batches ---------------------------------------------------------------------

@pytest.mark.parametrize("name", list(TASKS))
def test_batch_is_time_major_padded_and_masked(name):
    task = get(name)
    exs = task.sample(np.random.default_rng(11), 9)
    ids, targets, mask = task.collate(exs)
    T = max(len(ex) for ex in exs)
    assert ids.shape == targets.shape == mask.shape == (T, 9)
    assert ids.dtype.kind == targets.dtype.kind == "i" and mask.dtype == bool
    for b, ex in enumerate(exs):
        n = len(ex)
        assert [task.vocab[i] for i in ids[:n, b]] == list(ex.tokens)
        assert (ids[n:, b] == 0).all() and task.vocab[0] == PAD
        assert not mask[n:, b].any()
        assert list(mask[:n, b]) == [bool(y) for y in ex.targets]
        graded = [task.labels[k] for k in targets[:n, b][mask[:n, b]]]
        assert graded == [y for y in ex.targets if y]
    assert len({len(ex) for ex in exs}) > 1  # so padding was really exercised


def test_batch_draws_fresh_examples_from_the_generator():
    task = get("pronoun-en")
    rng = np.random.default_rng(0)
    first, second = task.batch(rng, 4)[0], task.batch(rng, 4)[0]
    assert first.shape != second.shape or (first != second).any()


def test_collate_refuses_foreign_tokens():
    with pytest.raises(ValueError, match="not in task 'brackets'"):
        get("brackets").collate(samples("first-symbol", 2))


# ---- brackets and first-symbol ---------------------------------------------------

def test_brackets_target_is_the_running_depth():
    seen = set()
    for ex in samples("brackets"):
        depth = np.cumsum([(tok == "(") - (tok == ")") for tok in ex.tokens])
        assert ex.annotations.depth == tuple(int(d) for d in depth)
        assert ex.targets == tuple(str(d) for d in depth)
        assert 0 <= depth.min() and depth.max() <= tasks.MAX_DEPTH
        assert set(ex.tokens) <= {"(", ")", "a", "b"} and 8 <= len(ex) <= 30
        seen.update(ex.targets)
    assert seen == set(get("brackets").labels)  # every depth 0…4 occurs


def test_first_symbol_is_asked_for_at_the_end_only():
    firsts = set()
    for ex in samples("first-symbol"):
        assert ex.tokens[0] in ("A", "B", "C") and ex.tokens[-1] == "?"
        assert not set(ex.tokens[1:-1]) & {"A", "B", "C", "?"}
        assert ex.targets == ("",) * (len(ex) - 1) + (ex.tokens[0],)
        assert 5 <= len(ex) <= 20
        firsts.add(ex.tokens[0])
    assert firsts == {"A", "B", "C"}


# ---- typed text ------------------------------------------------------------------

@pytest.mark.parametrize("name", list(TASKS))
def test_tokenize_reads_back_joined_examples(name):
    task = get(name)
    for ex in samples(name, 50):
        assert task.tokenize(task.join(ex.tokens)) == ex.tokens


def test_tokenize_english_is_case_insensitive_and_splits_punctuation():
    task = get("pronoun-en")
    assert task.tokenize("The boy met MARY. He is happy") == (
        "the", "boy", "met", "Mary", ".", "he", "is", "happy")


def test_tokenize_names_unknown_words_and_the_allowed_ones():
    with pytest.raises(UnknownTokens) as err:
        get("pronoun-en").tokenize("John met Zoe and Zoe is glad")
    assert err.value.tokens == ("Zoe", "glad")
    assert "John" in err.value.vocab and PAD not in err.value.vocab
    assert "Zoe" in str(err.value) and "Mary" in str(err.value)
    assert isinstance(err.value, model.UnknownTokens)  # one class for tasks and models


def test_tokenize_chinese_keeps_the_plural_pronoun_whole_and_takes_ascii_punctuation():
    task = get("pronoun-zh")
    assert task.tokenize("同学们 踢球,他们很开心.") == (
        "同", "学", "们", "踢", "球", "，", "他们", "很", "开", "心", "。")
    with pytest.raises(UnknownTokens) as err:
        task.tokenize("小明吃饭")
    assert err.value.tokens == ("吃", "饭")


def test_tokenize_refuses_empty_text():
    with pytest.raises(ValueError, match="empty"):
        get("brackets").tokenize("  ")


# ---- records, registry and refusals ----------------------------------------------

def test_get_lists_the_names_when_unknown():
    assert get("brackets") is TASKS["brackets"]
    with pytest.raises(ValueError, match="pronoun-en, pronoun-zh, brackets, first-symbol"):
        get("pronouns")


def test_registry_is_read_only_and_tasks_are_frozen():
    with pytest.raises(TypeError):
        TASKS["mine"] = TASKS["brackets"]
    with pytest.raises(AttributeError):
        TASKS["brackets"].name = "other"


def test_every_task_names_its_catalogue_keys_and_slots():
    for name, task in TASKS.items():
        assert task.name == name
        assert task.title_key == f"task.{name}.title"
        assert task.description_key == f"task.{name}.description"
        assert task.slots and all(task.candidates(s) for s, _ in task.slots)
    assert get("pronoun-en").candidates("pronoun") == ("he", "she", "they")
    with pytest.raises(ValueError, match="no slot 'verb'"):
        get("pronoun-zh").candidates("verb")


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_sample_refuses_a_bad_count(bad):
    with pytest.raises(ValueError, match="whole number"):
        get("brackets").sample(np.random.default_rng(0), bad)


def test_sample_wants_a_generator():
    with pytest.raises(ValueError, match="default_rng"):
        get("brackets").sample(0, 3)


def test_example_refuses_misaligned_targets_and_annotations():
    with pytest.raises(ValueError, match="one target per token"):
        Example(("a", "b"), ("",))
    with pytest.raises(ValueError, match="annotation depth"):
        Example(("a", "b"), ("", ""), Annotations(depth=(1,)))
    with pytest.raises(ValueError, match="at least one token"):
        Example((), ())


def test_task_refuses_a_vocab_without_pad_and_stray_slot_labels():
    make = tasks.first_symbol
    with pytest.raises(ValueError, match="pad token"):
        Task("t", ("A",), ("A",), (), "k", "d", make)
    with pytest.raises(ValueError, match="slot labels"):
        Task("t", (PAD, "A"), ("A",), (("s", ("B",)),), "k", "d", make)


def test_module_doctests():
    assert doctest.testmod(tasks).failed == 0


# ---- what the grammars cover (issue 12, §4) ----------------------------------------

def _distances(ex, pronouns):
    """Steps from the last cue (subject settled, or pronoun read) to each pronoun slot,
    worked out here from the independent readers' view of the tokens."""
    out, cue = [], None
    for t, tok in enumerate(ex.tokens):
        if ex.annotations.new_subject[t] or tok in pronouns:
            cue = t
        if t + 1 < len(ex) and ex.tokens[t + 1] in pronouns:
            out.append(t - cue)
    return out


@pytest.mark.parametrize("name, old_longest", [("pronoun-en", 11), ("pronoun-zh", 18)])
def test_subject_to_pronoun_distances_reach_twice_the_old_longest(name, old_longest):
    """11 and 18 were the longest distances of the grammars before issue 12 (20,000
    stories each); the grammars must now reach at least twice that."""
    pronouns = set(READERS[name][1].values())
    longest = max(d for ex in samples(name, 3000) for d in _distances(ex, pronouns))
    assert longest >= 2 * old_longest


@pytest.mark.parametrize("name", list(READERS))
def test_time_words_open_sentences_before_the_subject(name):
    read = READERS[name][0]
    opened = 0
    for ex in samples(name):
        nouns, _, _ = read(ex.tokens)
        for t, _, is_subject in nouns:
            before = "".join(ex.tokens[max(t - 2, 0):t]) if name == "pronoun-zh" else \
                ex.tokens[t - 1] if t else ""
            opened += is_subject and before.endswith(("today", "yesterday", "今天", "昨天"))
    assert opened >= 0.2 * N


@pytest.mark.parametrize("name", list(READERS))
def test_some_sentences_have_no_pronoun_clause_and_some_subjects_repeat(name):
    read, pronoun, (_, stop, _) = READERS[name]
    plain = repeated = 0
    for ex in samples(name):
        nouns, _, _ = read(ex.tokens)
        subjects = [(t, cls) for t, cls, is_subject in nouns if is_subject]
        text = list(ex.tokens)
        for t, _ in subjects:
            first = text.index(stop, t)   # the end of the subject's own sentence
            plain += not set(text[t:first]) & set(pronoun.values())
        settled = [text[t] for t, _ in subjects]   # the settling token names the subject
        repeated += any(a == b for a, b in zip(settled, settled[1:], strict=False))
    assert plain >= 0.4 * N        # about 0.3 of ~2.5 subjects per story
    assert repeated >= 0.12 * N    # about 0.15 of stories


@pytest.mark.parametrize("name", list(READERS))
def test_objects_of_the_subjects_own_gender_come_between(name):
    read, pronoun, _ = READERS[name]
    same = 0
    for ex in samples(name):
        nouns, words, _ = read(ex.tokens)
        subject = None
        for _, cls, is_subject in nouns:
            if is_subject:
                subject = cls
            elif subject in ("m", "f") and cls == subject:
                same += 1
    assert same >= 0.5 * N


def test_chinese_has_no_compound_subject_reading():
    """No "X和Y一起…" and no 和 right after a subject: only 陪 takes a companion."""
    for ex in samples("pronoun-zh", 1000):
        text = "".join(ex.tokens)
        nouns, _, _ = read_zh(ex.tokens)
        for t, _, is_subject in nouns:
            if is_subject:
                start = t - 1 if ex.tokens[t - 1] == "小" else t   # nouns are at the settling step
                rest = "".join(ex.tokens[start:])
                word = next(w for w in ZH_CLASS if rest.startswith(w))
                assert not rest[len(word):].startswith("和"), text
        for k in (k for k in range(len(text)) if text.startswith("一起", k)):
            assert "陪" in text[max(0, k - 4):k], text


def test_sentence_starts_are_annotated():
    for name in READERS:
        stop = READERS[name][2][1]
        for ex in samples(name, 50):
            assert ex.annotations.sentence_start == tuple(
                t == 0 or ex.tokens[t - 1] == stop for t in range(len(ex)))


@pytest.mark.parametrize("name", list(READERS))
@pytest.mark.parametrize("other", [False, True])
def test_distance_story_puts_the_last_pronoun_exactly_that_far(name, other):
    read, pronoun, _ = READERS[name]
    rng = np.random.default_rng(0)
    for distance in range(tasks.LEAST_DISTANCE[name], 100, 7):
        ex = tasks.distance_story(name, rng, distance, other_gender=other)
        nouns, words, _ = read(ex.tokens)
        last_subject, cls = max((t, c) for t, c, subj in nouns if subj)
        last_pronoun = max(t for t, tok, _ in words if tok in pronoun.values())
        assert last_pronoun - 1 - last_subject == distance
        assert ex.tokens[last_pronoun] == pronoun[cls]
        assert ex.targets[last_pronoun - 1] == pronoun[cls]
        between = {c for t, c, subj in nouns if last_subject < t and not subj}
        if other:
            assert len(between) == 1 and between != {cls}
        assert get(name).tokenize(get(name).join(ex.tokens)) == ex.tokens


@pytest.mark.parametrize("bad", [4, 2.5, True, -3])
def test_distance_story_refuses_a_distance_it_cannot_make(bad):
    with pytest.raises(ValueError, match="whole number ≥ 5"):
        tasks.distance_story("pronoun-en", np.random.default_rng(0), bad)
    with pytest.raises(ValueError, match="pronoun tasks"):
        tasks.distance_story("brackets", np.random.default_rng(0), 20)


# ---- the stories themselves, pinned ------------------------------------------------
# The shipped demos are reproducible bit for bit from their recipes only while a seed
# gives the same stories: any change to the generators or to collate that alters one
# story, one encoded id or how much of the random stream is used fails here. Digests
# computed on the generators as of issue 16 (before they were made faster); change them
# only with a change of grammar, and then retrain the demos.

STORY_DIGESTS = {
    "pronoun-en": "a62e5eeda781c48d93b2168bb270a86c0819a368c439e6f0b77be4f107443f78",
    "pronoun-zh": "36cb3cfe6cf16825f66c3c51e20417e44e13263e9d2cbe32a83e28c629434464",
    "brackets": "b49a1cee86e2a4bfccc5732def213ea23f11b292eb6136bb6e9f549d33d2736a",
    "first-symbol": "9babca5a5630e3797499eef2c19e0a6e42d3160b7b11aed571e3250243eb10b2",
}
DISTANCE_DIGESTS = {
    "pronoun-en": "b02cbfa145fe77779f5bd62251bccbd6c1318dcee02b255b6fc743c8b472eae4",
    "pronoun-zh": "f52800a5accf97422d328bf51bb9814f79e63da789829d2f661323b5cb61d379",
}


def _pin(h, examples):
    h.update(repr([(ex.tokens, ex.targets, ex.annotations) for ex in examples]).encode())


@pytest.mark.parametrize("name", list(STORY_DIGESTS))
def test_a_seed_gives_the_same_batches_as_when_the_demos_were_trained(name):
    """50 batches of 32 from seed 16: every token, target, annotation and collated id, and
    the state the random stream is left in."""
    task, rng, h = get(name), np.random.default_rng(16), hashlib.sha256()
    for _ in range(50):
        examples = task.sample(rng, 32)
        _pin(h, examples)
        for a in task.collate(examples):
            h.update(a.dtype.str.encode() + repr(a.shape).encode() + a.tobytes())
    h.update(rng.bytes(8))
    assert h.hexdigest() == STORY_DIGESTS[name]


@pytest.mark.parametrize("name", list(DISTANCE_DIGESTS))
def test_a_seed_gives_the_same_distance_stories(name):
    rng, h = np.random.default_rng(16), hashlib.sha256()
    for distance in range(12, 60, 3):
        for other in (False, True):
            _pin(h, [tasks.distance_story(name, rng, distance, other)])
    h.update(rng.bytes(8))
    assert h.hexdigest() == DISTANCE_DIGESTS[name]


# ---- the Generator's draws, made cheaper (tasks._Draws) -----------------------------

def test_draws_give_the_generators_numbers_and_leave_its_state():
    """Every call the generators make, mixed at random, against the Generator itself —
    across several blocks of raw outputs, from a state holding a spare 32-bit half."""
    assert tasks._draws_match(np.random.PCG64)
    for seed in range(20):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        ours.integers(5), theirs.integers(5)   # a 32-bit half left over in both
        draws, plan = tasks._Draws(ours), np.random.default_rng(seed + 100)
        for _ in range(2500):
            kind, n = int(plan.integers(4)), int(plan.integers(1, 40))
            if kind == 0:
                assert draws.integers(n) == theirs.integers(n)
            elif kind == 1:
                assert draws.integers(2, 2 + n) == theirs.integers(2, 2 + n)
            elif kind == 2:
                assert draws.random() == theirs.random()
            else:
                assert list(draws.permutation(n % 7 + 1)) == list(theirs.permutation(n % 7 + 1))
        draws.close()
        assert ours.bit_generator.state == theirs.bit_generator.state
        assert ours.random() == theirs.random()


@pytest.mark.parametrize("name", list(TASKS))
def test_sample_gives_what_the_generator_gives_called_directly(name):
    task, a, b = get(name), np.random.default_rng(7), np.random.default_rng(7)
    for _ in range(5):
        assert task.sample(a, 20) == [task.make(b) for _ in range(20)]
    assert a.bit_generator.state == b.bit_generator.state


def test_other_bit_generators_and_other_generators_draw_from_the_generator_itself():
    """MT19937 is not what _Draws copies; a task of someone else's may call any method."""
    task = get("pronoun-en")
    a, b = (np.random.Generator(np.random.MT19937(3)) for _ in range(2))
    assert task.sample(a, 10) == [task.make(b) for _ in range(10)]
    assert not tasks._draws_match(np.random.MT19937)
    def normal(rng):   # a draw _Draws does not offer
        n = 1 + int(abs(rng.normal()) * 3)
        return Example(("x",) * n, ("y",) * n)
    task = Task("normal", (PAD, "x"), ("y",), (), "t", "d", make=normal)
    a, b = np.random.default_rng(0), np.random.default_rng(0)
    assert task.sample(a, 5) == [normal(b) for _ in range(5)]
