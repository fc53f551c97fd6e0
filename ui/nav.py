"""The app's pages, listed once: the sidebar, the home page, the lessons' links and the
tests all read :data:`PAGES`.

Streamlit finds the scripts in ``pages/`` by itself; a file's number sets its place in
Streamlit's own list and its name after the number sets its URL (``pages/1_gates.py`` →
``/gates``). A new page is its script and one line here (and its catalogue keys
``nav.<name>``, ``nav.<name>.blurb``, ``nav.<name>.title``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page: its short name (also its URL path), script, catalogue key and icon."""

    name: str
    file: str
    title: str  # catalogue key of the page's name; "<title>.title" is its heading
    icon: str


PAGES = (  # in the sidebar's order; the home page first
    Page("home", "app.py", "nav.home", ":material/home:"),
    Page("lessons", "pages/7_lessons.py", "nav.lessons", ":material/school:"),
    Page("gates", "pages/1_gates.py", "nav.gates", ":material/animation:"),
    Page("stacked", "pages/2_stacked.py", "nav.stacked", ":material/stacks:"),
    Page("params", "pages/3_params.py", "nav.params", ":material/calculate:"),
    Page("memory", "pages/4_memory.py", "nav.memory", ":material/psychology:"),
    Page("train", "pages/5_train.py", "nav.train", ":material/model_training:"),
    Page("why", "pages/6_why.py", "nav.why", ":material/lightbulb:"),
    Page("live", "pages/8_live.py", "nav.live", ":material/groups:"),
)
BY_NAME = {page.name: page for page in PAGES}


def file(name: str) -> str:
    """The script of the page called ``name`` ("gates" → "pages/1_gates.py")."""
    return BY_NAME[name].file
