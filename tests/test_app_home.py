"""app.py (home) through AppTest."""

from conftest import PAGES, assert_clean, open_page, plotly_specs


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


def test_moving_between_pages_that_share_url_names():
    # `units` is a number on /gates and /train and a list of layers on /stacked and /params.
    at = open_page("gates", units=12)
    for page in ("stacked", "gates", "params", "train", "stacked"):
        at.switch_page(PAGES[page]).run()
        assert_clean(at)
        assert not at.error
    assert at.text_input(key="units").value == "128, 64, 32, 8"


def test_language_travels_between_pages():
    at = open_page("gates", lang="zh")
    at.switch_page(PAGES["params"]).run()
    assert_clean(at)
    assert at.title[0].value == "参数量计算器"
