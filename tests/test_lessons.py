"""ui.lessons: the lesson structure is consistent with the catalogue, figures, pages."""

import doctest
from pathlib import Path

import pytest

import ui.lessons as lessons
from figures.gates import HIGHLIGHTS
from lstm_viz.params import count_params
from text.i18n import LANGS, catalogue, t
from ui import nav

ROOT = Path(__file__).resolve().parents[1]
STEPS = [(p, s, step) for p, part in enumerate(lessons.PARTS, start=1)
         for s, step in enumerate(part.steps, start=1)]


def test_doctests():
    assert doctest.testmod(lessons).failed == 0


def test_three_parts_in_the_order_of_the_source_lesson():
    assert [len(part.steps) for part in lessons.PARTS] == [6, 4, 3]
    assert [part.key for part in lessons.PARTS] == [f"lesson.part.{n}" for n in (1, 2, 3)]


@pytest.mark.parametrize("lang", LANGS)
def test_every_step_has_its_text_in_both_catalogues(lang):
    words = catalogue(lang)
    for _, _, step in STEPS:
        for key in (step.title, step.text):
            assert words.get(key, "").strip(), (lang, key)
            t(key, lang, **lessons.worked_example())  # every {field} can be filled
        if step.link is not None:
            assert words.get(step.link.label, "").strip(), (lang, step.link.label)


def test_step_keys_are_unique_and_named_after_their_place():
    assert [step.key for _, _, step in STEPS] == [f"lesson.{p}.{s}" for p, s, _ in STEPS]


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
    assert lessons.PARTS[0].steps[2].highlight == "input+candidate"


def test_links_open_pages_of_the_app():
    links = [step.link for _, _, step in STEPS if step.link is not None]
    assert {link.page for link in links} == {"gates", "memory", "params", "stacked"}  # ui.nav
    assert {nav.file(link.page) for link in links} == {"pages/1_gates.py", "pages/4_memory.py",
                                                       "pages/3_params.py", "pages/2_stacked.py"}
    assert any(s.link and s.link.page == "gates" for s in lessons.PARTS[0].steps)  # part 1
    for link in links:
        assert link.page in nav.BY_NAME and (ROOT / nav.file(link.page)).is_file()


def test_the_params_link_preloads_the_article_stack():
    link = lessons.PARTS[1].steps[-1].link
    assert dict(link.query) == {"input": "5", "units": "128,64,32,8", "dense": "1"}


@pytest.mark.parametrize(("part", "step", "want"), [
    ("1", "1", (1, 1)), ("2", "4", (2, 4)), ("3", "2", (3, 2)), (" 2 ", "3", (2, 3)),
    (None, None, (1, 1)), ("0", "1", (1, 1)), ("4", "2", (1, 2)), ("-1", "x", (1, 1)),
    ("2", "99", (2, 4)), ("1", "0", (1, 1)), ("1.5", "2", (1, 2)), ("abc", "<b>", (1, 1)),
    (3, 9, (3, 3)),
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
    text = t("lesson.3.3.text", lang)
    article = count_params(5, [128, 64, 32, 8], 1, convention="article").total
    keras = count_params(5, [128, 64, 32, 8], 1, convention="keras").total
    assert f"{article:,}" in text and f"{keras:,}" in text
