"""pages/4_memory.py through AppTest: both demos, examples, typed stories, links, languages."""

from urllib.parse import parse_qs

import numpy as np
import pytest
from conftest import assert_clean, decode, open_page, plotly_specs

from lstm_viz import demos
from lstm_viz.evaluate import distance_curve
from lstm_viz.explain import fmt
from lstm_viz.story import BREAK_PRESETS, mean_by_place, read_story
from lstm_viz.tasks import LEAST_DISTANCE
from text.i18n import tr
from text.story import distance_summary, forget_summary, narrate
from ui.controls import STORIES  # the story each demo opens with


@pytest.fixture(scope="module")
def demo():
    return {name: demos.load(name) for name in ("pronoun-en", "pronoun-zh")}


def spec(at):
    """The story's three-panel figure (the distance chart follows it)."""
    specs = plotly_specs(at)
    assert len(specs) == 2
    return specs[0]


def distance_spec(at):
    return plotly_specs(at)[1]


def bars(at):
    return {trc["name"]: decode(trc["y"]) for trc in spec(at)["data"] if trc["type"] == "bar"}


def cell_line(at):
    return decode(next(trc for trc in spec(at)["data"] if trc.get("name") == "C")["y"])


def subject_steps(at):
    return sorted({s["x0"] for s in spec(at)["layout"]["shapes"] if s.get("name") == "subject"})


def unescape(text):
    return text.replace("\\", "")


def bullets(at):
    return [unescape(m.value[2:]) for m in at.markdown if m.value.startswith("- ")]


def expected(demo, text, lang="en"):
    """What the page should show for ``text``: (run, story, narration)."""
    out = demo.run(text)
    layer = out.trace.layers[0]
    story = read_story(demo.task.name, out.tokens)
    words = narrate(story, layer, out.probs, demo.model.labels, demo.units["gender"],
                    demo.units["male_sign"], lang)
    return out, story, words


def test_default_view_tells_the_english_story(demo):
    at = open_page("memory")
    assert_clean(at)
    assert not at.error and not at.info
    d = demo["pronoun-en"]
    assert at.text_area(key="seq").value == STORIES["pronoun-en"]
    out, story, words = expected(d, STORIES["pronoun-en"])
    got = bars(at)
    for pronoun in ("he", "she", "they"):
        assert np.allclose(got[pronoun], out.probs[:, d.model.labels.index(pronoun)], atol=1e-6)
    assert np.allclose(cell_line(at), out.trace.layers[0].c[:, d.units["gender"]], atol=1e-6)
    assert subject_steps(at) == [s.step + 1 for s in story.subjects] == [1, 16, 26]
    assert bullets(at) == list(words)
    assert any("drops to" in w or "falls to" in w or "stays at" in w for w in words)


def test_metrics_are_the_demos_measured_numbers(demo):
    at = open_page("memory")
    m = demo["pronoun-en"].metrics
    shown = {metric.label: metric.value for metric in at.metric}
    unit = demo["pronoun-en"].units["gender"] + 1
    assert shown == {
        "Pronoun accuracy": f"{100 * m['pronoun_accuracy']:.1f}%",
        f"Unit {unit} tells the gender": f"{100 * m['gender_agreement']:.1f}%",
        "Forget gate at a new subject": fmt(m["forget_at_new_subject"], 2),
        "Forget gate elsewhere": fmt(m["forget_elsewhere"], 2),
    }
    held_out = demo["pronoun-en"].model.meta["held_out"]
    assert any(f"Measured on {held_out} fresh stories" in md.value for md in at.markdown)


def test_chinese_demo_by_link(demo):
    at = open_page("memory", demo="pronoun-zh")
    assert_clean(at)
    assert not at.error and not at.info
    assert at.text_area(key="seq").value == STORIES["pronoun-zh"]
    d = demo["pronoun-zh"]
    out, story, _ = expected(d, STORIES["pronoun-zh"])
    got = bars(at)
    assert list(got) == ["他", "她", "他们"]
    assert np.allclose(got["他们"], out.probs[:, d.model.labels.index("他们")], atol=1e-6)
    assert [s.text for s in story.subjects] == ["小明", "小红", "孩子们"]
    assert subject_steps(at) == [s.step + 1 for s in story.subjects]


def test_switching_the_demo_loads_its_own_story():
    at = open_page("memory")
    at.segmented_control(key="demo").set_value("pronoun-zh").run()
    assert_clean(at)
    assert at.text_area(key="seq").value == STORIES["pronoun-zh"]
    assert list(bars(at)) == ["他", "她", "他们"]
    assert at.query_params["demo"] == "pronoun-zh" and "seq" not in at.query_params


def test_picking_an_example_loads_it(demo):
    at = open_page("memory")
    examples = demo["pronoun-en"].examples(8, 0)
    assert list(at.selectbox(key="example").options) == list(examples)
    at.selectbox(key="example").set_value(examples[2]).run()
    assert_clean(at)
    assert at.text_area(key="seq").value == examples[2]
    assert at.selectbox(key="example").value is None  # back to "pick a story"
    out, story, words = expected(demo["pronoun-en"], examples[2])
    assert len(bars(at)["he"]) == len(out.tokens)
    assert subject_steps(at) == [s.step + 1 for s in story.subjects]
    assert bullets(at) == list(words)
    assert at.query_params["seq"] == examples[2]


def test_a_typed_story(demo):
    at = open_page("memory")
    text = "Lucy helped Jack and she is busy . Tom saw Anna and he is late ."
    at.text_area(key="seq").input(text).run()
    assert_clean(at)
    assert not at.error
    out, story, words = expected(demo["pronoun-en"], text)
    assert np.allclose(bars(at)["she"], out.probs[:, demo["pronoun-en"].model.labels.index("she")],
                       atol=1e-6)
    assert subject_steps(at) == [1, 9]
    assert bullets(at)[0].startswith("At “Lucy” (step 1) the story gets its first subject")
    assert at.query_params["seq"] == text


def test_unknown_words_are_named_with_the_allowed_ones():
    at = open_page("memory")
    at.text_area(key="seq").input("Mary met a dragon and she is happy .").run()
    assert_clean(at)
    assert len(at.error) == 1
    message = unescape(at.error[0].value)
    assert "“a”, “dragon”" in message
    for word in ("Mary", "John", "met", "she", "happy"):
        assert word in message.split("Use only these:")[1]
    assert not plotly_specs(at)
    assert at.segmented_control(key="demo").value == "pronoun-en"  # the other settings stay
    at.text_area(key="seq").input("Mary met Tom and she is happy .").run()
    assert not at.error and bars(at)


def test_unknown_characters_in_chinese():
    at = open_page("memory", demo="pronoun-zh", seq="小明吃苹果。")
    assert_clean(at)
    message = unescape(at.error[0].value)
    assert "“吃”, “苹”, “果”" in message and "小" in message.split("：")[-1]


def test_empty_story():
    at = open_page("memory")
    at.text_area(key="seq").input("   ").run()
    assert_clean(at)
    assert "empty" in unescape(at.error[0].value)


def test_a_link_reproduces_the_view():
    text = "小红在家唱歌，她很开心。爸爸见到了哥哥，他很累。"
    first = open_page("memory", demo="pronoun-zh", seq=text, lang="zh")
    again = open_page("memory", demo="pronoun-zh", seq=text, lang="zh")
    for at in (first, again):
        assert_clean(at)
        assert not at.info and not at.error
        assert at.text_area(key="seq").value == text
        assert at.segmented_control(key="demo").value == "pronoun-zh"
    assert spec(first) == spec(again)
    assert subject_steps(first) == [2, 13]  # 红, 爸


def test_the_gates_link_carries_the_story_and_the_unit(demo):
    at = open_page("memory", seq="Tom met Lucy and he is happy .")
    link = next(el.proto for el in at.get("page_link") if el.proto.label.startswith("Open this"))
    assert link.page == "gates"
    query = parse_qs(link.query_string)
    assert query == {"model": ["pronoun-en"], "seq": ["Tom met Lucy and he is happy ."],
                     "unit": [str(demo["pronoun-en"].units["gender"] + 1)]}


def test_chinese_opens_on_the_chinese_model_and_story(demo):
    at = open_page("memory", lang="zh")
    assert_clean(at)
    assert at.segmented_control(key="demo").value == "pronoun-zh"
    assert at.text_area(key="seq").value == STORIES["pronoun-zh"]
    _, _, words = expected(demo["pronoun-zh"], STORIES["pronoun-zh"], "zh")
    assert bullets(at) == list(words)


def test_chinese_page_with_the_english_model(demo):
    at = open_page("memory", lang="zh", demo="pronoun-en")
    assert_clean(at)
    assert at.title[0].value == "记忆如何工作：“他”指的是谁？"
    assert at.metric[0].label == "代词准确率"
    _, _, words = expected(demo["pronoun-en"], STORIES["pronoun-en"], "zh")
    assert bullets(at) == list(words)
    assert words[0].startswith("读到“John”（第 1 步）时")
    assert "隐藏单元" in str(spec(at)["layout"]["annotations"])


@pytest.mark.parametrize("query, note", [
    (dict(demo="klingon"), "demo=klingon"),
    (dict(demo="brackets"), "demo=brackets"),  # a demo, but not one with pronouns
])
def test_garbage_in_the_link_falls_back_with_a_note(query, note):
    at = open_page("memory", **query)
    assert_clean(at)
    assert at.segmented_control(key="demo").value == "pronoun-en"
    assert note in unescape(" ".join(i.value for i in at.info))
    assert bars(at)


def test_markup_in_the_link_is_shown_as_text():
    at = open_page("memory", seq="<script>alert(1)</script> **John** [x](javascript:1)")
    assert_clean(at)
    raw = at.error[0].value
    assert "<script>" not in raw.replace("\\<", "")  # every < is escaped in the Markdown
    assert "“script”" in unescape(raw)


def test_a_long_story_is_cut_with_a_note():
    long = " ".join(["John met Mary and he is happy ."] * 30)  # 240 words
    at = open_page("memory", seq=long)
    assert_clean(at)
    assert "240" in unescape(at.info[0].value) and "150" in unescape(at.info[0].value)
    assert len(bars(at)["he"]) == 150


# ---- where the forget gate dips, measured on the story shown ---------------------------

def places_table(at):
    frame = at.dataframe[0].value
    return {row.iloc[0]: (row.iloc[1], int(row.iloc[2])) for _, row in frame.iterrows()}


@pytest.mark.parametrize("name, lang", [("pronoun-en", "en"), ("pronoun-zh", "zh")])
def test_forget_means_by_kind_of_step_are_measured_live(demo, name, lang):
    at = open_page("memory", demo=name, lang=lang)
    assert_clean(at)
    d = demo[name]
    out, story, _ = expected(d, STORIES[name], lang)
    means = mean_by_place(story, out.trace.layers[0].f[:, d.units["gender"]])
    table = places_table(at)
    for place in ("new", "start", "pronoun", "elsewhere"):
        mean, n = means[place]
        shown = fmt(mean, 2) if n else tr("memory.places.none", lang)
        assert table[tr(f"memory.place.{place}", lang)] == (shown, n)
    assert any(m.value == forget_summary(means, lang).replace(".", "\\.")
               or unescape(m.value) == forget_summary(means, lang) for m in at.markdown)
    assert at.subheader[0].value == tr("memory.places", lang, unit=d.units["gender"] + 1)


def test_sentence_starts_and_pronouns_are_marked_on_the_forget_line(demo):
    at = open_page("memory")
    d = demo["pronoun-en"]
    out, story, _ = expected(d, STORIES["pronoun-en"])
    f = out.trace.layers[0].f[:, d.units["gender"]]
    traces = {trc.get("name"): trc for trc in spec(at)["data"]}
    pronoun_steps = [k for k, tok in enumerate(story.tokens)
                     if tok in ("he", "she", "they") and not story.annotations.sentence_start[k]]
    assert list(decode(traces["f_pronouns"]["x"])) == [k + 1 for k in pronoun_steps]
    assert np.allclose(decode(traces["f_pronouns"]["y"]), f[pronoun_steps], atol=1e-6)
    first = story.subjects[0].step
    starts = [k for k, s in enumerate(story.annotations.sentence_start)
              if s and k > first and k not in {x.step for x in story.subjects}]
    assert list(decode(traces["f_starts"]["x"])) == [k + 1 for k in starts]


def test_a_subject_named_again_has_its_own_line():
    at = open_page("memory", seq="Tom met Lucy and he is happy . Tom saw Anna and he is busy .")
    assert_clean(at)
    said = bullets(at)
    assert said[1].startswith("At “Tom” (step 9) the story names Tom again: the same subject")
    assert not any("replaces Tom" in s for s in said)
    dots = [s for s in spec(at)["layout"]["shapes"] if s.get("name") == "subject"]
    assert {s["x0"]: s["line"]["dash"] for s in dots} == {1: "dash", 9: "dot"}
    assert tr("memory.place.again", "en") in places_table(at)


# ---- try to break it -------------------------------------------------------------------

@pytest.mark.parametrize("name, lang", [("pronoun-en", "en"), ("pronoun-zh", "zh"),
                                        ("pronoun-en", "zh")])
def test_each_preset_is_a_button_that_loads_its_story(demo, name, lang):
    at = open_page("memory", demo=name, lang=lang)
    presets = BREAK_PRESETS[name]
    labels = {b.key: b.label for b in at.button if b.key and b.key.startswith("break_")}
    assert labels == {f"break_{p.key}": tr(f"memory.break.{p.key}", lang) for p in presets}
    for preset in presets:
        at.button(key=f"break_{preset.key}").click().run()
        assert_clean(at)
        assert not at.error
        assert at.text_area(key="seq").value == preset.text
        out, story, words = expected(demo[name], preset.text, lang)
        assert subject_steps(at) == [s.step + 1 for s in story.subjects]
        assert bullets(at) == list(words)
        assert at.query_params["seq"] == preset.text


def test_the_time_word_preset_finds_the_subjects_after_the_time_words():
    text = next(p.text for p in BREAK_PRESETS["pronoun-en"] if p.key == "time-word")
    at = open_page("memory", seq=text)
    assert subject_steps(at)[:2] == [2, 12]   # Mary after "yesterday", the king after "today"
    assert bullets(at)[0].startswith("At “Mary” (step 2) the story gets its first subject")


@pytest.mark.parametrize("name, lang", [("pronoun-en", "en"), ("pronoun-zh", "zh")])
def test_distance_chart_is_the_cores_live_measurement(demo, name, lang):
    at = open_page("memory", demo=name, lang=lang)
    assert_clean(at)
    chart = distance_spec(at)
    ds = [int(v) for v in decode(chart["data"][0]["x"])]
    assert ds[0] == LEAST_DISTANCE[name] and len(ds) >= 10
    trained = demo[name].model.meta["train.max_distance"]
    assert ds[-1] >= 3 * trained                       # well past training
    again = distance_curve(demo[name].model, name, ds, per_distance=25, seed=0,
                           other_gender=True)
    assert np.allclose(decode(chart["data"][0]["y"]), 100 * np.array(again.accuracy))
    assert 200 <= sum(again.total) <= 500                # a few hundred stories
    line = next(s for s in chart["layout"]["shapes"] if s.get("name") == "trained_max")
    assert line["x0"] == trained
    assert chart["layout"]["xaxis"]["title"]["text"] == tr("memory.distance.x", lang)
    summary = distance_summary(again, trained, lang)
    assert summary in [unescape(m.value) for m in at.markdown]


def test_a_story_without_a_subject_has_no_table_of_means():
    at = open_page("memory", seq="met Mary and he is happy .")
    assert_clean(at)
    assert not at.dataframe
    assert not any(h.value.startswith("Where the forget gate") for h in at.subheader)
    assert "starts with a subject" in " ".join(unescape(i.value) for i in at.info)
