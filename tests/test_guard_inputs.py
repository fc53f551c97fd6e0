"""Issue 14, item 11: numbers mode refuses Python's digit separators; a link's infinite seed
is dropped with a note, on every page that has a seed."""

import pytest
from conftest import assert_clean, open_page

from lstm_viz.inputs import InputError, encode
from text.i18n import tr


@pytest.mark.parametrize("text", ["1_000, 2", "1 2; 3_0 4", "0.5_5"])
def test_numbers_mode_refuses_underscores(text):
    with pytest.raises(InputError) as err:
        encode(text, "numbers")
    assert err.value.key == "err.not_number"
    assert "_" in tr(err.value.key, "en", **err.value.values)


def test_numbers_mode_still_reads_plain_numbers():
    assert encode("1000, -2.5e3, +.5", "numbers").x[:, 0].tolist() == [1000, -2500, 0.5]


@pytest.mark.parametrize("page", ["gates", "stacked", "why"])
def test_an_infinite_seed_in_a_link_is_dropped_with_a_note(page):
    at = open_page(page, seed="-inf")
    assert_clean(at)
    assert "seed" not in at.query_params
    assert any("-inf" in i.value.replace("\\", "") for i in at.info)
