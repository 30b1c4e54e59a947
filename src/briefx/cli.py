"""The ``briefx`` command: parses arguments and calls the library, nothing more.

Commands: ``extract``, ``batch``, ``report``, ``schema``, ``eval``, ``model pull``.
Settings come from the options, then ``BRIEFX_*`` environment variables.

Exit codes:
    0    success
    1    extraction failed (extract, eval) or some inputs failed (batch)
    2    usage or configuration error
    130  interrupted (Ctrl-C)
    141  the output's reader closed it (``| head``), as for any program killed by SIGPIPE
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from briefx._errors import BriefxError, UsageError
from briefx._settings import Settings
from briefx._version import __version__

if TYPE_CHECKING:
    from briefx._batch import BatchSummary

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141

EPILOG = """\
exit codes:
  0    success
  1    extraction failed (extract, eval) or some inputs failed (batch)
  2    usage or configuration error
  130  interrupted (Ctrl-C)
  141  the output's reader closed it early (| head)

Settings not given as options are read from BRIEFX_* environment variables
(BRIEFX_BASE_URL, BRIEFX_MODEL, BRIEFX_API_KEY or OPENAI_API_KEY, BRIEFX_CACHE_DIR, ...)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"briefx: error: {message}\n")


def _model_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model")
    group.add_argument("--model", help="model name (default depends on the backend)")
    group.add_argument(
        "--base-url", help="any OpenAI-compatible endpoint, e.g. http://127.0.0.1:8765/v1"
    )
    group.add_argument(
        "--no-cache",
        dest="cache",
        action="store_const",
        const=False,
        help="do not read or write the cache",
    )


def _engine_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("engine")
    group.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local: this process (default); ray: Ray Data actors (pip install 'briefx[ray]')",
    )
    group.add_argument(
        "--address",
        help="Ray cluster to run on (auto: the one `ray start` began here); default: a new"
        " local Ray instance",
    )
    group.add_argument(
        "--workers", type=int, help="Ray actors, each with its own extractor (default: one per CPU)"
    )


def _sub(subs: Any, name: str, help: str, description: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subs.add_parser(
        name,
        help=help,
        description=description,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # A mistyped option is reported with this command's usage, not the top level's.
    parser.set_defaults(parser=parser)
    return parser


def _iso_date(text: str) -> str:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="briefx",
        description="Turn news articles about official meetings into MeetingSummary records.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv: debug)")
    parser.add_argument("--version", action="version", version=f"briefx {__version__}")
    subs = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

    p = _sub(
        subs, "extract", "extract one article", "Extract one article and print its record as JSON."
    )
    p.add_argument("file", metavar="FILE", help="a .txt or .html article, or - for standard input")
    p.add_argument(
        "--published",
        type=_iso_date,
        help="publication date YYYY-MM-DD, to resolve dates without a year",
    )
    p.add_argument(
        "--format", choices=("json", "table"), default="json", help="output (default: json)"
    )
    _model_options(p)
    p.set_defaults(run=_cmd_extract)

    p = _sub(
        subs,
        "batch",
        "extract many articles into a file",
        "Extract folders of .txt/.html files, JSONL files of {id, text|html, url, published}\n"
        "or single files. OUT's suffix sets the format: .jsonl (records, one JSON line each,\n"
        "with an event_id shared by reports of one meeting), .csv, .parquet or .db (SQLite,\n"
        "for datasette). Beside it: the records as JSONL (OUT itself, or OUT + .jsonl for a\n"
        "table), .errors.jsonl (one line per failed input) and .events.jsonl (one merged\n"
        "view per meeting), named from OUT's whole name (r.jsonl -> r.errors.jsonl,\n"
        "r.csv -> r.csv.errors.jsonl). Rerun the same command to resume after an\n"
        "interruption: finished inputs are skipped.",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="folder, article file or .jsonl file")
    p.add_argument(
        "-o",
        "--out",
        required=True,
        type=Path,
        help="output file: results.jsonl, .csv, .parquet or .db",
    )
    p.add_argument(
        "--format",
        choices=("jsonl", "csv", "parquet", "sqlite"),
        help="must agree with OUT's suffix, which sets it anyway",
    )
    p.add_argument(
        "--concurrency", type=int, help="articles in their model calls at once (default 4)"
    )
    p.add_argument(
        "--processes",
        type=int,
        help="worker processes for preparation and rules (default: one per core but one, max 4)",
    )
    p.add_argument("--errors", type=Path, help="errors file (default: beside OUT, .errors.jsonl)")
    p.add_argument(
        "--retry-errors", action="store_true", help="redo inputs that failed in an earlier run"
    )
    p.add_argument(
        "--no-progress", dest="progress", action="store_false", help="hide the progress bar"
    )
    _engine_options(p)
    _model_options(p)
    p.set_defaults(run=_cmd_batch)

    p = _sub(
        subs,
        "report",
        "write an HTML page to browse a batch's results",
        "Write one self-contained HTML page (no network) of a batch's results: every record's\n"
        "card with its evidence in the article, filters by region, date and kind, the meetings\n"
        "several outlets reported side by side, and charts. OUT is the batch's records .jsonl\n"
        "or the -o path the batch was given; its .events.jsonl is read from beside it.",
    )
    p.add_argument("results", metavar="OUT", type=Path, help="the batch's records .jsonl")
    p.add_argument(
        "-o", "--out", required=True, type=Path, help="the HTML file to write, e.g. report.html"
    )
    p.set_defaults(run=_cmd_report)

    p = _sub(
        subs, "schema", "print the record's JSON Schema", "Print the JSON Schema of MeetingSummary."
    )
    p.set_defaults(run=_cmd_schema)

    p = _sub(
        subs,
        "eval",
        "score extraction against gold records",
        "Extract every article in ARTICLES_DIR that has a gold file in GOLD_DIR and score it.",
    )
    p.add_argument("gold_dir", metavar="GOLD_DIR", type=Path)
    p.add_argument("articles_dir", metavar="ARTICLES_DIR", type=Path)
    p.add_argument(
        "--baseline", action="store_true", help="also score a bare instructor call, side by side"
    )
    _model_options(p)
    p.set_defaults(run=_cmd_eval)

    p = _sub(subs, "model", "manage the embedded local model", "Manage the embedded local model.")
    model_subs = p.add_subparsers(
        dest="model_command", required=True, metavar="ACTION", parser_class=_Parser
    )
    pull = _sub(
        model_subs,
        "pull",
        "download and verify the default model",
        "Fetch the default GGUF model into the cache.",
    )
    pull.set_defaults(run=_cmd_model_pull)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    names = ("model", "base_url", "cache", "concurrency", "processes")
    given = {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise UsageError(
            f"invalid settings: {problems}", hint="check the options and BRIEFX_* variables"
        ) from exc


def _cmd_extract(args: argparse.Namespace) -> int:
    from briefx._extract import Extractor
    from briefx._notebook import record_text

    source: str | bytes
    if args.file == "-":
        source, source_id = sys.stdin.buffer.read(), "stdin"
    else:
        path = Path(args.file)
        try:
            source, source_id = path.read_bytes(), path.stem
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}", hint="check the path") from exc
    html = True if args.file.lower().endswith((".html", ".htm")) else None
    with Extractor(_settings(args)) as extractor:
        try:
            record = extractor.extract(
                source, source_id=source_id, published=args.published, html=html
            )
        except BriefxError as exc:
            raise exc.with_input(source_id) from None
    print(record_text(record) if args.format == "table" else record.model_dump_json(indent=2))
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace) -> int:
    summary = _run_batch(args)
    print(summary.format_table())
    print(f"records: {summary.records_jsonl}")
    if summary.output != summary.records_jsonl:
        print(f"table:   {summary.output}")
    print(f"errors:  {summary.errors_path}")
    print(f"events:  {summary.events_path}")
    return EXIT_FAILED if summary.failed else EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from briefx._report import report

    print(f"report: {report(args.results, args.out)}")
    return EXIT_OK


def _run_batch(args: argparse.Namespace) -> BatchSummary:
    from briefx._batch import run_batch

    job: dict[str, Any] = {
        "settings": _settings(args),
        "fmt": args.format,
        "errors_path": args.errors,
        "progress": args.progress,
        "retry_errors": args.retry_errors,
    }
    if args.engine == "ray":
        from briefx.ray import batch as ray_batch

        return ray_batch(args.inputs, args.out, address=args.address, workers=args.workers, **job)
    if args.address is not None or args.workers is not None:
        raise UsageError("--address and --workers are for --engine ray", hint="add --engine ray")
    return run_batch(args.inputs, args.out, **job)


def _cmd_schema(args: argparse.Namespace) -> int:
    from briefx._models import MeetingSummary

    print(json.dumps(MeetingSummary.model_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _cmd_eval(args: argparse.Namespace) -> int:
    from briefx._eval import format_comparison, run_eval

    result = run_eval(
        args.gold_dir, args.articles_dir, settings=_settings(args), baseline=args.baseline
    )
    if isinstance(result, tuple):
        report = result[0]
        print(report.format_table())
        print()
        print(format_comparison(*result))
    else:
        report = result
        print(report.format_table())
    failed = any(getattr(article, "error", None) for article in report.articles)
    return EXIT_FAILED if failed else EXIT_OK


def _cmd_model_pull(args: argparse.Namespace) -> int:
    from briefx._local import pull_model

    print(pull_model(_settings(args), progress=True))
    return EXIT_OK


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="briefx: %(levelname)s: %(message)s")
    # instructor logs every exhausted re-ask as an ERROR; briefx handles those
    # (drops the fact, names it in the record's warnings), so show them only with -vv.
    logging.getLogger("instructor").setLevel(logging.DEBUG if verbosity >= 2 else logging.CRITICAL)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        getattr(args, "parser", parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    _configure_logging(args.verbose)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except BrokenPipeError:
        # The reader went away (`briefx extract ... | head`): stop quietly, as `cat` does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("briefx: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BriefxError as exc:
        print(f"briefx: error: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, UsageError) else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
