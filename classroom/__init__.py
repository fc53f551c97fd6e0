"""A live class: its state in a database, shared by every server that serves the class.

A teacher starts a class and gets a join code (short, unambiguous characters) and a private
token that alone can steer; students join with the code and follow the teacher's view, and
answer the questions the teacher asks. Everything lives in SQL tables (:mod:`classroom.models`,
created by the Alembic migrations in ``classroom/migrations``), so that a page reload or a
second server replica behind the load balancer sees the same class.

This package imports no streamlit: the live page (``ui/live.py``) wires it to widgets.

>>> store = connect("sqlite://")          # an in-memory database, for a quick look
>>> started = store.start_class()
>>> len(started.code), started.token != ""
(6, True)
"""

from classroom.store import (
    CODE_ALPHABET,
    ClassError,
    ClassGone,
    ClassView,
    Question,
    RateLimited,
    Snapshot,
    Started,
    Store,
    Summary,
    connect,
    database_url,
)

__all__ = [
    "CODE_ALPHABET", "ClassError", "ClassGone", "ClassView", "Question", "RateLimited",
    "Snapshot", "Started", "Store", "Summary", "connect", "database_url",
]
