"""app.py (home) through AppTest."""

from conftest import assert_clean, open_page, plotly_specs


def test_home_in_both_languages():
    for lang, title in (("en", "How an LSTM remembers"), ("zh", "LSTM 是怎样记住信息的")):
        at = open_page("home", lang=lang)
        assert_clean(at)
        assert at.title[0].value == title
        assert len(plotly_specs(at)) == 1  # the cell picture


def test_language_follows_the_browser_locale_on_first_visit():
    at = open_page("home")
    assert at.selectbox(key="lang").value == "en"
    at.selectbox(key="lang").set_value("zh").run()
    assert_clean(at)
    assert at.title[0].value == "LSTM 是怎样记住信息的"
