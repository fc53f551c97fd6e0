"""Command line: ``python -m cli params --input 5 --units 128 64 32 8 --dense 1``.

Prints the parameter count of an LSTM stack as a table in the style of Keras'
``model.summary()``, or as JSON with ``--json``; ``--lang`` picks the language of the table,
help and messages (``zh``: Simplified Chinese; any catalogue in ``text/catalogues``; default
``en``). A bad argument prints one line, ``error: …`` (``错误：…`` in Chinese), on stderr
and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from dataclasses import asdict

from lstm_viz.params import CONVENTIONS, count_params
from text import i18n
from text.i18n import tr

__all__ = ["main"]

PROG = "python -m cli"
# Every user-facing string is in the catalogues (text/catalogues/) under "cli.…"; only the
# layout of the totals line is here.
SEPARATOR = " · "
CONVENTION_TOTAL = "{convention} {total:,}"


class _UsageError(Exception):
    """A bad command line; the message is shown after ``error: ``."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, raised instead of printed with usage."""

    def error(self, message):
        raise _UsageError(message)


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = _asked_language(argv)
    try:
        args = _parser(lang).parse_args(argv)
        if args.command is None:
            raise _UsageError(tr("cli.no_command", lang))
        breakdown = count_params(args.input, args.units, dense=args.dense,
                                 convention=args.convention, bidirectional=args.bidirectional,
                                 proj_size=args.proj_size)
    except (_UsageError, ValueError) as err:
        message = " ".join(_message(err, lang).split())  # one line, whatever it held
        _write(tr("cli.error", lang, message=message), sys.stderr)
        return 2
    except SystemExit as done:  # --help has printed; argparse asks to exit
        return done.code if isinstance(done.code, int) else 0
    totals = _totals_by_convention(args)
    if args.json:
        _write(json.dumps(_as_json(breakdown, totals), indent=2), sys.stdout)
    else:
        _write(_as_table(breakdown, totals, args.lang), sys.stdout)
    return 0


def _message(err: Exception, lang: str) -> str:
    """The error in ``lang``: the core's coded errors (``err.key``, ``err.values``) from the
    catalogues, anything else as it was raised."""
    key = getattr(err, "key", None)
    if key in i18n.CORE_ENGLISH:
        return tr(key, lang, **err.values)
    return str(err)


def _asked_language(argv) -> str:
    """The ``--lang`` of ``argv`` when it is a known one, else English: the help texts and
    messages are written before argparse has read it (and rejects an unknown one)."""
    for k, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            argv[k + 1] if arg == "--lang" and k + 1 < len(argv) else None)
        if value in i18n.LANGS:
            return value
    return i18n.DEFAULT


def _parser(lang: str = "en") -> _Parser:
    def text(name):
        return tr(f"cli.{name}", lang)

    parser = _Parser(prog=PROG, description=text("description"), allow_abbrev=False)
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    params = commands.add_parser("params", help=text("params_help"),
                                 description=text("params_help"), allow_abbrev=False)
    params.add_argument("--input", type=_integer(lang), required=True, help=text("input_help"))
    params.add_argument("--units", type=_integer(lang), nargs="+", required=True,
                        help=text("units_help"))
    params.add_argument("--dense", type=_integer(lang), help=text("dense_help"))
    params.add_argument("--convention", default="keras", help=text("convention_help"))
    params.add_argument("--bidirectional", action="store_true", help=text("bidirectional_help"))
    params.add_argument("--proj-size", type=_integer(lang), default=0,
                        help=text("proj_size_help"))
    params.add_argument("--json", action="store_true", help=text("json_help"))
    params.add_argument("--lang", choices=i18n.LANGS, default=i18n.DEFAULT,
                        help=tr("cli.lang_help", lang, langs=", ".join(i18n.LANGS),
                               default=i18n.DEFAULT))
    return parser


def _integer(lang: str):
    """A parser of whole numbers, complaining in ``lang``; ranges are checked by count_params."""
    def parse(text) -> int:
        try:
            return int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(tr("cli.not_integer", lang, value=text)) from None

    parse.__name__ = "integer"  # what argparse calls the type in its own messages
    return parse


def _totals_by_convention(args) -> dict[str, int]:
    """The total in every convention that can count this stack (projection: PyTorch only)."""
    totals = {}
    for convention in CONVENTIONS:
        try:
            totals[convention] = count_params(
                args.input, args.units, dense=args.dense, convention=convention,
                bidirectional=args.bidirectional, proj_size=args.proj_size).total
        except ValueError:
            pass
    return totals


def _layer_name(layer, lang: str) -> str:
    suffix = f"_{layer.index}" if layer.index else ""  # Keras names: lstm, lstm_1, lstm_2, …
    key = "cli.bidirectional_name" if layer.directions == 2 else "cli.lstm_name"
    return tr(key, lang, suffix=suffix)


def _rows(breakdown, lang: str) -> list[tuple[str, str, str, str]]:
    """(layer, output shape, count, formula) for each layer, Dense last."""
    parts = [(_layer_name(layer, lang), layer) for layer in breakdown.layers]
    if breakdown.dense is not None:
        parts.append((tr("cli.dense_name", lang), breakdown.dense))
    return [(name, str(shape), f"{part.total:,}", part.formula)
            for (name, part), shape in zip(parts, breakdown.output_shapes, strict=True)]


def _as_table(breakdown, totals, lang: str = "en") -> str:
    header = tuple(tr(f"cli.col_{name}", lang) for name in ("layer", "shape", "params", "formula"))
    rows = _rows(breakdown, lang)
    widths = [max(_width(row[j]) for row in [header, *rows]) for j in range(4)]

    def line(row):
        cells = (_pad(row[0], widths[0]), _pad(row[1], widths[1]),
                 _pad(row[2], widths[2], right=True), row[3])
        return " " + "   ".join(cells).rstrip()

    def name(convention):
        return tr(f"cli.convention.{convention}", lang)

    rule = "=" * (sum(widths) + 10)
    totals_text = SEPARATOR.join(CONVENTION_TOTAL.format(convention=name(c), total=n)
                                 for c, n in totals.items())
    return "\n".join([tr("cli.title", lang, convention=name(breakdown.convention)),
                      "_" * len(rule), line(header), rule, *map(line, rows), rule,
                      tr("cli.total", lang, total=breakdown.total),
                      tr("cli.by_convention", lang, totals=totals_text)])


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a Chinese character or full-width sign takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def _as_json(breakdown, totals) -> dict:
    def with_named_shapes(record):
        data = asdict(record)
        data["shapes"] = [{"name": name, "shape": list(shape)} for name, shape in record.shapes]
        return data

    return {"convention": breakdown.convention, "input_size": breakdown.input_size,
            "total": breakdown.total,
            "layers": [with_named_shapes(layer) for layer in breakdown.layers],
            "dense": None if breakdown.dense is None else with_named_shapes(breakdown.dense),
            "output_shapes": [list(shape) for shape in breakdown.output_shapes],
            "totals_by_convention": totals}


def _write(text, stream) -> None:
    """Print ``text``, replacing characters (such as ·) the stream cannot encode."""
    try:
        print(text, file=stream)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        print(text.encode(encoding, "replace").decode(encoding), file=stream)
