"""pages/7_lessons.py through AppTest: every step in both languages, moving, links, URLs."""

from urllib.parse import parse_qs

import pytest
from conftest import assert_clean, open_page, plotly_specs

from text.i18n import LANGS, tr
from ui import lessons

STEPS = [(p, s) for p, part in enumerate(lessons.PARTS, start=1)
         for s in range(1, len(part.steps) + 1)]


def measured(lang: str) -> dict[str, str]:
    """The numbers the pronoun step must show: measured afresh here on the demo."""
    from lstm_viz.demos import load
    from lstm_viz.facts import forget_profile

    p = forget_profile(load("pronoun-zh" if lang == "zh" else "pronoun-en"))
    return dict(stories=str(p.stories), change=f"{p.change:.2f}",
                same_start=f"{p.same_start:.2f}", elsewhere=f"{p.elsewhere:.2f}")


def where(at) -> tuple[str, str]:
    return at.query_params["part"][0], at.query_params["step"][0]


def shown(at) -> list[str]:
    return [el.value for el in at.markdown] + [el.value for el in at.subheader]


def step_links(at) -> list[tuple[str, dict]]:
    """(page, query) of the links a step offers (the sidebar's carry no label of ours)."""
    labels = {tr(f"lesson.link.{k}", lang) for k in ("memory", "params", "stacked", "why")
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
    assert tr(lesson.title, lang) in shown(at)
    numbers = {k: f"{v:,}" for k, v in lessons.worked_example().items()}
    if lesson.measured:
        numbers |= measured(lang)
    assert tr(lesson.text, lang, **numbers) in shown(at)
    assert len(plotly_specs(at)) == 1
    assert not at.info, [i.value for i in at.info]  # a good link raises no note


def test_part_one_draws_the_cell_with_the_step_highlighted():
    plain = open_page("lessons", part=1, step=3)   # lesson.1.2: the forget gate
    other = open_page("lessons", part=1, step=6)   # lesson.1.5: the output gate
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
    assert tr("lesson.1.1.title") in shown(at)  # after "why an LSTM", the cell state
    at.button(key="next").click().run()
    at.button(key="back").click().run()
    assert where(at) == ("1", "2")
    assert_clean(at)


def test_next_at_the_end_of_a_part_opens_the_next_part_and_back_returns():
    at = open_page("lessons", part=1, step=8)
    at.button(key="next").click().run()
    assert where(at) == ("2", "1") and at.radio(key="part").value == 2
    at.button(key="back").click().run()
    assert where(at) == ("1", "8")
    at = open_page("lessons", part=3, step=4)
    assert at.button(key="next").disabled
    assert_clean(at)


def test_the_part_picker_starts_the_part_at_its_first_step():
    at = open_page("lessons", lang="zh", part=1, step=4)
    at.radio(key="part").set_value(3).run()
    assert where(at) == ("3", "1")
    assert tr("lesson.3.1.title", "zh") in shown(at)
    assert_clean(at)


def test_links_carry_the_language_and_the_article_stack():
    at = open_page("lessons", lang="zh", part=2, step=4)
    [(page, query)] = step_links(at)
    assert page == "params"
    assert query == {"input": ["5"], "units": ["128,64,32,8"], "dense": ["1"], "lang": ["zh"]}
    [(page, query)] = step_links(open_page("lessons", part=1, step=7))
    assert page == "memory" and "lang" not in query
    [(page, _)] = step_links(open_page("lessons", lang="zh", part=1, step=1))
    assert page == "why"
    [(page, _)] = step_links(open_page("lessons", lang="zh", part=3, step=3))
    assert page == "stacked"


@pytest.mark.parametrize(("part", "step", "want"), [
    ("9", "2", ("1", "2")), ("abc", "x", ("1", "1")), ("2", "99", ("2", "5")),
    ("<script>", "-3", ("1", "1")), ("", "", ("1", "1")),
])
def test_garbage_in_the_url_falls_back_without_a_crash(part, step, want):
    at = open_page("lessons", part=part, step=step)
    assert_clean(at)
    assert where(at) == want
    assert len(plotly_specs(at)) == 1


# ---- the checks at the end of each part -----------------------------------------------------

def url_check(at) -> str | None:
    """The check's seed in the page's URL (AppTest keeps a value as a string or a list)."""
    value = at.query_params.get("check")
    return value if value is None or isinstance(value, str) else value[-1]


def check_step(part: int) -> int:
    return len(lessons.PARTS[part - 1].steps)


def feedback(at) -> dict[str, list[str]]:
    return {"right": [e.value for e in at.success], "wrong": [e.value for e in at.error],
            "bad": [e.value for e in at.warning]}


def everything_shown(at) -> str:
    return " ".join([*shown(at), *(e.value for e in at.success), *(e.value for e in at.error),
                     *(e.value for e in at.warning), *(e.value for e in at.info),
                     *(e.value for e in at.caption), *(e.value for e in at.text)])


@pytest.mark.parametrize("lang", LANGS)
def test_the_count_check_judges_the_answer_the_counter_gives(lang):
    from lstm_viz.params import count_params
    from lstm_viz.quiz import count_check, shape_check

    seed = 4242
    at = open_page("lessons", lang=lang, part=2, step=check_step(2), check=seed)
    q, s = count_check(seed), shape_check(seed)
    want = count_params(q.x, q.h, convention=q.convention).total
    assert f"X = {q.x}" in everything_shown(at) and f"H = {q.h}" in everything_shown(at)
    count, rows, cols = at.number_input
    assert count.value is None and not feedback(at)["right"] + feedback(at)["wrong"]
    count.set_value(want).run()
    assert feedback(at)["right"] == [tr("check.right", lang, answer=f"{want:,}")]
    at.number_input[0].set_value(want + 4).run()
    assert feedback(at)["wrong"] == [tr("check.wrong", lang, answer=f"{want:,}")]
    shape = (q.x, q.h) if s.matrix == "W" else (q.h, q.h)   # x·W: W (X, H), U (H, H)
    at.number_input[1].set_value(shape[0]).run()
    assert len(feedback(at)["wrong"]) == 1                   # no verdict on half a shape
    at.number_input[2].set_value(shape[1]).run()
    assert tr("check.right", lang, answer=f"[{shape[0]}, {shape[1]}]") in feedback(at)["right"]
    at.number_input[1].set_value(shape[1] + 1).run()
    assert tr("check.wrong", lang, answer=f"[{shape[0]}, {shape[1]}]") in feedback(at)["wrong"]
    assert_clean(at)


@pytest.mark.parametrize("typed", [-5, 10**13, 2.5])
def test_an_answer_outside_the_boxes_range_is_no_answer_and_no_crash(typed):
    at = open_page("lessons", part=2, step=check_step(2), check=7)
    for k in range(3):
        at.number_input[k].set_value(typed).run()
    assert_clean(at)
    if typed == 2.5:  # a step of 1: a whole number arrives
        assert all(box.value == 2 for box in at.number_input)
    else:
        assert not feedback(at)["right"] and not feedback(at)["wrong"]
        assert str(typed) not in everything_shown(at)


@pytest.mark.parametrize("lang", LANGS)
def test_the_stack_check_asks_the_layer_above_what_the_layer_below_gives(lang):
    from lstm_viz.params import count_params
    from lstm_viz.quiz import stack_check

    q = stack_check(99)
    at = open_page("lessons", lang=lang, part=3, step=check_step(3), check=99)
    at.number_input[0].set_value(q.a).run()              # layer 2 reads layer 1's h
    second = count_params(q.x, [q.a, q.b], convention="keras").total - \
        count_params(q.x, [q.a], convention="keras").total
    at.number_input[1].set_value(second).run()
    assert feedback(at)["right"] == [tr("check.right", lang, answer=str(q.a)),
                                     tr("check.right", lang, answer=f"{second:,}")]
    assert_clean(at)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("seed", [3, 11])
def test_the_gate_check_reveals_what_the_model_computes(lang, seed):
    from lstm_viz.demos import load

    at = open_page("lessons", lang=lang, part=1, step=check_step(1), check=seed)
    demo = load("pronoun-zh" if lang == "zh" else "pronoun-en")
    [story] = [e.value for e in at.text]
    tokens = demo.tokens(story)
    f = float(demo.run(tokens).trace.layers[0].f[-1, demo.units["gender"]])  # at the last token
    assert not feedback(at)["right"] and not feedback(at)["wrong"]  # nothing before a guess
    right = "above" if f > 0.5 else "below"
    at.radio(key=f"check_gate_{seed}").set_value(right).run()
    answer = tr(f"check.gate.{right}", lang)
    assert feedback(at)["right"] == [tr("check.right", lang, answer=answer)]
    assert f"{f:.3f}" in everything_shown(at)
    wrong = "below" if right == "above" else "above"
    at.radio(key=f"check_gate_{seed}").set_value(wrong).run()
    assert feedback(at)["wrong"] == [tr("check.wrong", lang,
                                        answer=tr(f"check.gate.{right}", lang))]
    assert_clean(at)


def test_the_check_is_in_the_url_and_new_numbers_change_it():
    at = open_page("lessons", part=2, step=check_step(2), check=123)
    assert url_check(at) == "123"
    first = everything_shown(at)
    again = open_page("lessons", part=2, step=check_step(2), check=123)
    assert everything_shown(again) == first  # the same link, the same question
    at.button(key="check_new").click().run()
    seed = url_check(at)
    assert seed != "123" and 1 <= int(seed) < 1_000_000
    assert everything_shown(at) != first
    at.button(key="back").click().run()      # off the check step, no seed in the URL
    assert "check" not in at.query_params
    assert_clean(at)


def test_a_fresh_visit_gets_fresh_numbers():
    seeds = {url_check(open_page("lessons", part=2, step=check_step(2))) for _ in range(3)}
    assert len(seeds) > 1


@pytest.mark.parametrize("raw", ["abc", "0", "-4", "1e9", "99999999", "<b>1</b>"])
def test_a_bad_seed_in_the_link_is_replaced_and_said(raw):
    at = open_page("lessons", lang="zh", part=3, step=check_step(3), check=raw)
    assert_clean(at)
    seed = url_check(at)
    assert seed != raw and 1 <= int(seed) < 1_000_000
    assert [i.value for i in at.info] and "check" in at.info[0].value


# ---- the glossary ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_glossary_is_shown_with_every_term_in_both_languages(lang):
    from text.glossary import TERMS

    at = open_page("lessons", lang=lang, part=2, step=2)
    [table] = at.table
    frame = table.value
    assert len(frame) == len(TERMS)
    assert "记忆元 C" in frame.to_numpy().ravel() and "cell state C" in frame.to_numpy().ravel()
    assert "细胞" in " ".join(frame.iloc[:, -1])  # the words the app does not use, shown too
    assert tr("glossary.title", lang) in [e.label for e in at.expander]
