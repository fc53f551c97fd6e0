"""pages/7_lessons.py through AppTest: every step in both languages, moving, links, URLs."""

from urllib.parse import parse_qs

import pytest
from conftest import assert_clean, open_page, plotly_specs

from text.i18n import LANGS, t
from ui import lessons

STEPS = [(p, s) for p, part in enumerate(lessons.PARTS, start=1)
         for s in range(1, len(part.steps) + 1)]


def where(at) -> tuple[str, str]:
    return at.query_params["part"][0], at.query_params["step"][0]


def shown(at) -> list[str]:
    return [el.value for el in at.markdown] + [el.value for el in at.subheader]


def step_links(at) -> list[tuple[str, dict]]:
    """(page, query) of the links a step offers (the sidebar's carry no label of ours)."""
    labels = {t(f"lesson.link.{k}", lang) for k in ("memory", "params", "stacked")
              for lang in LANGS}
    return [(p.proto.page, parse_qs(p.proto.query_string)) for p in at.get("page_link")
            if p.proto.label in labels]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("part", "step"), STEPS)
def test_every_step_renders_its_text_beside_a_figure(lang, part, step):
    at = open_page("lessons", lang=lang, part=part, step=step)
    assert_clean(at)
    lesson = lessons.PARTS[part - 1].steps[step - 1]
    assert where(at) == (str(part), str(step))
    assert t(lesson.title, lang) in shown(at)
    numbers = {k: f"{v:,}" for k, v in lessons.worked_example().items()}
    assert t(lesson.text, lang, **numbers) in shown(at)
    assert len(plotly_specs(at)) == 1
    assert not at.info, [i.value for i in at.info]  # a good link raises no note


def test_part_one_draws_the_cell_with_the_step_highlighted():
    plain = open_page("lessons", part=1, step=2)
    other = open_page("lessons", part=1, step=5)
    forget, output = plotly_specs(plain)[0], plotly_specs(other)[0]
    assert forget["layout"]["shapes"] != output["layout"]["shapes"]
    boxes = forget["data"][1]["marker"]["opacity"]
    assert boxes[0] == 1 and max(boxes[1:]) < 1  # the forget gate's box, the others faded


def test_next_and_back_walk_through_the_steps_and_the_url():
    at = open_page("lessons")
    assert where(at) == ("1", "1")
    assert at.button(key="back").disabled
    at.button(key="next").click().run()
    assert where(at) == ("1", "2")
    assert t("lesson.1.2.title") in shown(at)
    at.button(key="next").click().run()
    at.button(key="back").click().run()
    assert where(at) == ("1", "2")
    assert_clean(at)


def test_next_at_the_end_of_a_part_opens_the_next_part_and_back_returns():
    at = open_page("lessons", part=1, step=6)
    at.button(key="next").click().run()
    assert where(at) == ("2", "1") and at.radio(key="part").value == 2
    at.button(key="back").click().run()
    assert where(at) == ("1", "6")
    at = open_page("lessons", part=3, step=3)
    assert at.button(key="next").disabled
    assert_clean(at)


def test_the_part_picker_starts_the_part_at_its_first_step():
    at = open_page("lessons", lang="zh", part=1, step=4)
    at.radio(key="part").set_value(3).run()
    assert where(at) == ("3", "1")
    assert t("lesson.3.1.title", "zh") in shown(at)
    assert_clean(at)


def test_links_carry_the_language_and_the_article_stack():
    at = open_page("lessons", lang="zh", part=2, step=4)
    [(page, query)] = step_links(at)
    assert page == "params"
    assert query == {"input": ["5"], "units": ["128,64,32,8"], "dense": ["1"], "lang": ["zh"]}
    [(page, query)] = step_links(open_page("lessons", part=1, step=6))
    assert page == "memory" and "lang" not in query
    [(page, _)] = step_links(open_page("lessons", lang="zh", part=3, step=3))
    assert page == "stacked"


@pytest.mark.parametrize(("part", "step", "want"), [
    ("9", "2", ("1", "2")), ("abc", "x", ("1", "1")), ("2", "99", ("2", "4")),
    ("<script>", "-3", ("1", "1")), ("", "", ("1", "1")),
])
def test_garbage_in_the_url_falls_back_without_a_crash(part, step, want):
    at = open_page("lessons", part=part, step=step)
    assert_clean(at)
    assert where(at) == want
    assert len(plotly_specs(at)) == 1
