"""ui/nav.py: the one list of pages matches the scripts Streamlit finds, and every page
has its catalogue keys."""

from conftest import ROOT

from text.i18n import LANGS, catalogue
from ui import nav


def test_every_script_is_listed_once_under_the_name_of_its_url():
    scripts = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    listed = [p.file for p in nav.PAGES]
    assert sorted(listed) == sorted(["app.py", *scripts]) and len(set(listed)) == len(listed)
    assert nav.PAGES[0].file == "app.py"  # home first: the home page lists the others
    for page in nav.PAGES[1:]:  # pages/1_gates.py is served at /gates
        assert page.file.split("_", 1)[1].removesuffix(".py") == page.name
    assert nav.file("gates") == "pages/1_gates.py"


def test_every_page_has_its_title_blurb_and_heading_in_every_language():
    for lang in LANGS:
        keys = catalogue(lang)
        for page in nav.PAGES:
            assert page.title == f"nav.{page.name}"
            assert {page.title, f"{page.title}.title"} <= set(keys), (lang, page.name)
            assert page.name == "home" or f"{page.title}.blurb" in keys, (lang, page.name)
