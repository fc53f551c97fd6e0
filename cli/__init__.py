"""The command line, an edge of the app: ``python -m cli params --input 5 --units 128 64``.

It reads the core (:mod:`lstm_viz`) and says everything through the catalogues
(:mod:`text.i18n`), so the core itself carries no app text.
"""

from cli.main import main

__all__ = ["main"]
