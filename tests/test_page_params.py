"""pages/3_params.py through AppTest."""

import pytest
from conftest import assert_clean, count_calls, open_page, plotly_specs


def totals(at):
    return {m.label: m.value for m in at.metric}


def test_article_stack_in_the_three_conventions():
    at = open_page("params")
    assert_clean(at)
    values = list(totals(at).values())
    assert values == ["130,825", "131,753", "132,681"]
    table = at.dataframe[0].value
    assert list(table.iloc[:, 3]) == ["68,608", "49,408", "12,416", "1,312", "9", "131,753"]
    assert table.iloc[-1, 0] == "Total"  # the last row adds the layers up
    assert "928" in "".join(m.value for m in at.markdown)  # PyTorch's second bias


@pytest.mark.parametrize("convention, counts", [
    ("article", ["68,096", "49,152", "12,288", "1,280", "9"]),
    ("pytorch", ["69,120", "49,664", "12,544", "1,344", "9"]),
])
def test_convention_changes_the_rows(convention, counts):
    at = open_page("params")
    at.segmented_control(key="convention").set_value(convention).run()
    assert_clean(at)
    assert list(at.dataframe[0].value.iloc[:, 3])[:-1] == counts
    assert at.dataframe[0].value.iloc[-1, 3] == f"{sum(int(c.replace(',', '')) for c in counts):,}"


def test_the_lessons_arrow_notation_is_understood():
    at = open_page("params", units="128→64→32→8")
    assert_clean(at)
    assert not at.error
    assert list(totals(at).values()) == ["130,825", "131,753", "132,681"]


def test_bidirectional_and_inputs():
    at = open_page("params", input=10, units="20", dense=0)
    assert_clean(at)
    assert list(totals(at).values())[1] == f"{4 * (20 * 30 + 20):,}"
    at.checkbox(key="bidirectional").check().run()
    assert_clean(at)
    assert list(totals(at).values())[1] == f"{2 * 4 * (20 * 30 + 20):,}"


def test_query_parameters_reproduce_the_view():
    at = open_page("params", input=3, units="4,2", dense=1, convention="pytorch",
                   bidirectional="true")
    assert_clean(at)
    assert at.number_input(key="input").value == 3
    assert at.segmented_control(key="convention").value == "pytorch"
    assert at.checkbox(key="bidirectional").value is True
    assert len(at.dataframe[0].value) == 4  # two layers, the dense one, the total


@pytest.mark.parametrize("units", ["", "a, b", "0", "12.5"])
def test_bad_units(units):
    at = open_page("params", input=7)
    at.text_input(key="units").set_value(units).run()
    assert_clean(at)
    assert at.error
    assert at.number_input(key="input").value == 7


def test_confusions_are_answered():
    at = open_page("params")
    labels = [e.label for e in at.expander]
    assert any("time steps" in label for label in labels)
    assert any("batch" in label for label in labels)


def test_a_second_learner_on_the_same_question_gets_the_figures_already_built(monkeypatch):
    """The calculator's two figures are built once per question and shared (ui/compute
    params_figures); another convention or language is another question."""
    import ui.compute as compute

    built = count_calls(monkeypatch, compute, ("params_figure", "conventions_figure"))
    compute.params_figures.clear()  # the server's shared cache, emptied for this test
    first = open_page("params")
    assert_clean(first)
    assert sorted(built) == ["conventions_figure", "params_figure"]
    second = open_page("params")
    assert_clean(second)
    assert len(built) == 2, "the second learner's run built no figure"
    assert plotly_specs(second) == plotly_specs(first)
    for query in ({"convention": "pytorch"}, {"lang": "zh"}):
        built.clear()
        assert_clean(open_page("params", **query))
        assert len(built) == 2, query
