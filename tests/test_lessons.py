"""ui.lessons: the lesson structure is consistent with the catalogue, figures, pages."""

import doctest
import re
from pathlib import Path

import pytest

import ui.lessons as lessons
from figures.gates import HIGHLIGHTS
from lstm_viz.params import count_params
from text.i18n import LANGS, catalogue, tr
from ui import nav

ROOT = Path(__file__).resolve().parents[1]
STEPS = [(p, s, step) for p, part in enumerate(lessons.PARTS, start=1)
         for s, step in enumerate(part.steps, start=1)]
MEASURED = dict(stories=200, change=0.3, same_start=0.1, elsewhere=0.8)  # ui.checks.measured


def test_doctests():
    assert doctest.testmod(lessons).failed == 0


def test_three_parts_in_the_order_of_the_source_lesson():
    # the source lesson's 6, 4 and 3 steps; part 1 opens with "why", every part ends in a check
    assert [len(part.steps) for part in lessons.PARTS] == [8, 5, 4]
    assert [part.key for part in lessons.PARTS] == [f"lesson.part.{n}" for n in (1, 2, 3)]


def test_part_one_starts_with_why_an_lstm_and_links_where_it_is_measured():
    why = lessons.PARTS[0].steps[0]
    assert why.key == "lesson.1.why" and why.link.page == "why"
    for lang in LANGS:
        assert "RNN" in tr(why.text, lang)


def test_every_part_ends_with_a_check_and_only_there():
    assert [part.steps[-1].check for part in lessons.PARTS] == list(lessons.CHECKS)
    assert [step.key for step in (part.steps[-1] for part in lessons.PARTS)] == [
        f"lesson.{p}.check" for p in (1, 2, 3)]
    assert all(step.check is None for part in lessons.PARTS for step in part.steps[:-1])


@pytest.mark.parametrize("lang", LANGS)
def test_every_step_has_its_text_in_both_catalogues(lang):
    words = catalogue(lang)
    for _, _, step in STEPS:
        for key in (step.title, step.text):
            assert words.get(key, "").strip(), (lang, key)
            tr(key, lang, **lessons.worked_example(), **MEASURED)  # every {field} can be filled
        if step.link is not None:
            assert words.get(step.link.label, "").strip(), (lang, step.link.label)


def test_step_keys_are_unique_and_the_source_lessons_steps_are_numbered_in_order():
    keys = [step.key for _, _, step in STEPS]
    assert len(set(keys)) == len(keys)
    for p, part in enumerate(lessons.PARTS, start=1):
        numbered = [s.key for s in part.steps if s.key.split(".")[-1].isdigit()]
        assert numbered == [f"lesson.{p}.{n}" for n in range(1, len(numbered) + 1)]
    assert len(keys) - sum(k.split(".")[-1].isdigit() for k in keys) == 4  # why + 3 checks


def test_figures_and_highlights_are_ones_the_page_can_draw():
    for _, _, step in STEPS:
        assert step.figure in lessons.FIGURES
        assert step.highlight is None or step.highlight in HIGHLIGHTS
        assert step.highlight is None or step.figure == "cell"
    # part 1 walks through the cell: every step brings one part of the diagram forward
    assert all(step.highlight for p, _, step in STEPS if p == 1)
    assert {s.highlight for s in lessons.PARTS[0].steps} >= {"cell", "forget", "input+candidate",
                                                              "output"}
    # 1.3 "input gate and candidate" lights both, not the input gate alone
    (step_3,) = [s for s in lessons.PARTS[0].steps if s.key == "lesson.1.3"]
    assert step_3.highlight == "input+candidate"


def test_links_open_pages_of_the_app():
    links = [step.link for _, _, step in STEPS if step.link is not None]
    assert {link.page for link in links} == {"gates", "memory", "params", "stacked", "why"}
    assert {nav.file(link.page) for link in links} == {"pages/1_gates.py", "pages/4_memory.py",
                                                       "pages/3_params.py", "pages/2_stacked.py",
                                                       "pages/6_why.py"}
    assert any(s.link and s.link.page == "gates" for s in lessons.PARTS[0].steps)  # part 1
    for link in links:
        assert link.page in nav.BY_NAME and (ROOT / nav.file(link.page)).is_file()


def test_the_params_link_preloads_the_article_stack():
    [link] = [s.link for s in lessons.PARTS[1].steps if s.key == "lesson.2.4"]
    assert dict(link.query) == {"input": "5", "units": "128,64,32,8", "dense": "1"}


@pytest.mark.parametrize(("part", "step", "want"), [
    ("1", "1", (1, 1)), ("2", "4", (2, 4)), ("3", "2", (3, 2)), (" 2 ", "3", (2, 3)),
    (None, None, (1, 1)), ("0", "1", (1, 1)), ("4", "2", (1, 2)), ("-1", "x", (1, 1)),
    ("2", "99", (2, 5)), ("1", "0", (1, 1)), ("1.5", "2", (1, 2)), ("abc", "<b>", (1, 1)),
    (3, 9, (3, 4)), ("1", "8", (1, 8)),
])
def test_position_falls_back_to_a_step_that_exists(part, step, want):
    assert lessons.position(part, step) == want


def test_worked_example_matches_the_parameter_counter():
    ex = lessons.worked_example(5, 128, 10)
    assert ex["weights"] == count_params(5, 128, convention="article").total == 68_096
    assert ex["total"] == count_params(5, 128, convention="keras").total == 68_608
    keras = count_params(5, 128, 10, convention="keras")
    assert ex["dense"] == keras.total - count_params(5, 128, convention="keras").total == 1290


@pytest.mark.parametrize("lang", LANGS)
def test_the_article_stack_numbers_in_the_text_are_right(lang):
    text = tr("lesson.3.3.text", lang)
    article = count_params(5, [128, 64, 32, 8], 1, convention="article").total
    keras = count_params(5, [128, 64, 32, 8], 1, convention="keras").total
    assert f"{article:,}" in text and f"{keras:,}" in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_pronoun_step_uses_a_pronoun_the_subject_decides(lang):
    # Item 1: "Anna lost her keys, and Tom found …" continues with *her keys*: the subject
    # does not decide that pronoun. The example ends where only the subject decides it.
    text = tr("lesson.1.6.text", lang)
    assert ("Tom came home" in text and "*he*" in text) if lang == "en" else "小明回到家" in text
    assert "his" not in text and "close to 0" not in text and "接近 0" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_output_step_says_the_output_gate_is_not_the_networks_output(lang):
    text = tr("lesson.1.5.text", lang)
    assert "Oᵢᵗ" in text and "oₜ" in text
    assert ("long-term" in text and "short-term" in text) if lang == "en" else (
        "长期" in text and "短期" in text)


@pytest.mark.parametrize("lang", LANGS)
def test_the_switch_from_w_x_to_x_w_is_said_once_where_it_happens(lang):
    said = [k for k in catalogue(lang) if k.startswith("lesson.")
            and ("transpose" in tr(k, lang) or "转置" in tr(k, lang))]
    assert said == ["lesson.2.2.text"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_pronoun_step_quotes_the_measured_forget_gate_and_no_fixed_number(lang):
    [step] = [step for _, _, step in STEPS if step.measured]
    assert step.key == "lesson.1.6"
    text = catalogue(lang)[step.text]
    for field in MEASURED:
        assert "{" + field + "}" in text
    assert not re.search(r"\b0\.\d", text)  # no gate value typed into the text
