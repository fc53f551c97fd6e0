"""Command line: ``python -m lstm_viz params --input 5 --units 128 64 32 8 --dense 1``.

Prints the parameter count of an LSTM stack as a table in the style of Keras'
``model.summary()``, or as JSON with ``--json``. A bad argument prints one line,
``error: …``, on stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from types import MappingProxyType

from lstm_viz.params import CONVENTIONS, count_params

__all__ = ["main"]

# Every user-facing string of the command line, in one place so it can be translated.
TEXT = MappingProxyType({
    "prog": "python -m lstm_viz",
    "description": "Tools for the lstm-viz teaching app.",
    "params_help": "count the trainable parameters of stacked LSTM layers",
    "input_help": "features per time step fed to the first layer (X)",
    "units_help": "units of each stacked LSTM layer, bottom first, e.g. 128 64 32 8",
    "dense_help": "units of a Dense output layer after the last LSTM (default: none)",
    "convention_help": "how biases are counted: article (none), keras (one), pytorch (two); "
                       "default keras",
    "bidirectional_help": "every LSTM layer runs both ways (counts twice, next input 2·H)",
    "proj_size_help": "PyTorch proj_size: project h to this size (pytorch convention only)",
    "json_help": "print JSON instead of a table",
    "error": "error: {message}",
    "not_integer": "{value!r} is not a whole number: use an integer such as 8",
    "no_command": "choose a command: params (try: python -m lstm_viz params --help)",
    "title": "LSTM parameters ({convention} convention)",
    "col_layer": "Layer (type)",
    "col_shape": "Output Shape",
    "col_params": "Param #",
    "col_formula": "Formula",
    "lstm_name": "lstm{suffix} (LSTM)",
    "bidirectional_name": "bidirectional{suffix} (Bidirectional)",
    "dense_name": "dense (Dense)",
    "total": "Total params: {total:,}",
    "by_convention": "By convention: {totals}",
    "convention_total": "{convention} {total:,}",
    "separator": " · ",
})


class _UsageError(Exception):
    """A bad command line; the message is shown after ``error: ``."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, raised instead of printed with usage."""

    def error(self, message):
        raise _UsageError(message)


def main(argv=None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    try:
        args = _parser().parse_args(argv)
        if args.command is None:
            raise _UsageError(TEXT["no_command"])
        breakdown = count_params(args.input, args.units, dense=args.dense,
                                 convention=args.convention, bidirectional=args.bidirectional,
                                 proj_size=args.proj_size)
    except (_UsageError, ValueError) as err:
        message = " ".join(str(err).split())  # one line, whatever the message held
        _write(TEXT["error"].format(message=message), sys.stderr)
        return 2
    except SystemExit as done:  # --help has printed; argparse asks to exit
        return done.code if isinstance(done.code, int) else 0
    totals = _totals_by_convention(args)
    if args.json:
        _write(json.dumps(_as_json(breakdown, totals), indent=2), sys.stdout)
    else:
        _write(_as_table(breakdown, totals), sys.stdout)
    return 0


def _parser() -> _Parser:
    parser = _Parser(prog=TEXT["prog"], description=TEXT["description"], allow_abbrev=False)
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    params = commands.add_parser("params", help=TEXT["params_help"],
                                 description=TEXT["params_help"], allow_abbrev=False)
    params.add_argument("--input", type=_integer, required=True, help=TEXT["input_help"])
    params.add_argument("--units", type=_integer, nargs="+", required=True,
                        help=TEXT["units_help"])
    params.add_argument("--dense", type=_integer, help=TEXT["dense_help"])
    params.add_argument("--convention", default="keras", help=TEXT["convention_help"])
    params.add_argument("--bidirectional", action="store_true", help=TEXT["bidirectional_help"])
    params.add_argument("--proj-size", type=_integer, default=0, help=TEXT["proj_size_help"])
    params.add_argument("--json", action="store_true", help=TEXT["json_help"])
    return parser


def _integer(text) -> int:
    """Parse a whole number; ranges are checked by count_params."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(TEXT["not_integer"].format(value=text)) from None


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


def _layer_name(layer) -> str:
    suffix = f"_{layer.index}" if layer.index else ""  # Keras names: lstm, lstm_1, lstm_2, …
    key = "bidirectional_name" if layer.directions == 2 else "lstm_name"
    return TEXT[key].format(suffix=suffix)


def _rows(breakdown) -> list[tuple[str, str, str, str]]:
    """(layer, output shape, count, formula) for each layer, Dense last."""
    parts = [(_layer_name(layer), layer) for layer in breakdown.layers]
    if breakdown.dense is not None:
        parts.append((TEXT["dense_name"], breakdown.dense))
    return [(name, str(shape), f"{part.total:,}", part.formula)
            for (name, part), shape in zip(parts, breakdown.output_shapes, strict=True)]


def _as_table(breakdown, totals) -> str:
    header = (TEXT["col_layer"], TEXT["col_shape"], TEXT["col_params"], TEXT["col_formula"])
    rows = _rows(breakdown)
    widths = [max(len(row[j]) for row in [header, *rows]) for j in range(4)]

    def line(row):
        cells = (row[0].ljust(widths[0]), row[1].ljust(widths[1]),
                 row[2].rjust(widths[2]), row[3])
        return " " + "   ".join(cells).rstrip()

    rule = "=" * (sum(widths) + 10)
    totals_text = TEXT["separator"].join(
        TEXT["convention_total"].format(convention=c, total=t) for c, t in totals.items())
    return "\n".join([TEXT["title"].format(convention=breakdown.convention), "_" * len(rule),
                      line(header), rule, *map(line, rows), rule,
                      TEXT["total"].format(total=breakdown.total),
                      TEXT["by_convention"].format(totals=totals_text)])


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
