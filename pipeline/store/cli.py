"""The ``run``, ``runs`` and ``export`` commands, wired into ``pipeline.cli`` as subcommands.

Each command has ``add_<command>_arguments(parser)`` and ``run_<command>(args) -> int``.
Exit status: 0 success, 1 some sources or articles failed (the rest done) or the store is
locked by another run, 2 usage error. ``python -m pipeline.store.cli`` runs them standalone.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from pipeline.scraper.fetch import FetchSettings
from pipeline.store.repository import STATUSES, LockHeld, RunSummary, Store, default_database_url

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2


def _add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="store URL: sqlite:///FILE or postgresql://… (default: $PARTNERSHIPS_DB, else sqlite:///partnerships.db)",
    )


def _database_url(args: argparse.Namespace) -> str:
    return args.db or default_database_url()


# ---------------------------------------------------------------------------- run
def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", type=Path, default=None, help="sources TOML file (default: the shipped networks)")
    _add_db_argument(parser)
    parser.add_argument("--only", action="append", default=[], metavar="ID", help="crawl only this source id (repeatable)")
    parser.add_argument("--no-crawl", action="store_true", help="skip the crawl: only extract what the store owes")
    parser.add_argument(
        "--reextract", action="store_true", help="re-extract stored articles extracted by another model version (no refetching)"
    )
    parser.add_argument("--delay", type=float, default=FetchSettings.delay, help="seconds between requests to one host")
    parser.add_argument("--timeout", type=float, default=FetchSettings.timeout, help="seconds per request")
    parser.add_argument("--retries", type=int, default=FetchSettings.max_retries, help="retries on timeouts, 429 and 5xx")
    parser.add_argument("--report", action="store_true", help="print the last runs when done")
    parser.add_argument("--quiet", action="store_true", help="no progress display")


def run_run(args: argparse.Namespace) -> int:
    from pipeline.scraper.sources import load_sources, shipped_sources_path

    try:
        sources = [] if args.no_crawl else load_sources(args.sources or shipped_sources_path())
    except (OSError, ValidationError, ValueError) as error:
        print(f"partnerships run: cannot read sources: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.only:
        unknown = set(args.only) - {s.id for s in sources}
        if unknown:
            print(f"partnerships run: unknown source ids: {', '.join(sorted(unknown))}", file=sys.stderr)
            return EXIT_USAGE
        sources = [s for s in sources if s.id in args.only]
    from pipeline.extract import Extractor
    from pipeline.store.ingest import run_ingestion

    with Store(_database_url(args)) as store:
        extractor = Extractor()
        progress = None if args.quiet else (lambda url: print(f"stored {url}", file=sys.stderr))
        settings = FetchSettings(delay=args.delay, timeout=args.timeout, max_retries=args.retries)
        try:
            outcome = run_ingestion(
                store, sources, extractor, settings=settings, reextract=args.reextract, article_progress=progress
            )
        except LockHeld as error:
            print(f"partnerships run: {error}", file=sys.stderr)
            return EXIT_SOME_FAILED
        runs = store.recent_runs(5 if args.report else 1)
    print(format_runs(runs, failures=True), file=sys.stderr)
    return outcome.exit_status


# ---------------------------------------------------------------------------- runs
def add_runs_arguments(parser: argparse.ArgumentParser) -> None:
    _add_db_argument(parser)
    parser.add_argument("-n", "--limit", type=int, default=10, help="how many runs, latest first (default 10)")
    parser.add_argument("--json", action="store_true", help="print the runs as JSON")


def run_runs(args: argparse.Namespace) -> int:
    with Store(_database_url(args)) as store:
        runs = store.recent_runs(args.limit)
    if args.json:
        print(json.dumps([_run_dict(r) for r in runs], indent=2, ensure_ascii=False))
    else:
        print(format_runs(runs, failures=True))
    return EXIT_OK


def _run_dict(run: RunSummary) -> dict[str, object]:
    return {
        "id": run.id,
        "started_at": run.started_at.isoformat(timespec="seconds"),
        "finished_at": run.finished_at.isoformat(timespec="seconds") if run.finished_at else None,
        "status": run.status,
        "model_version": run.model_version,
        "counts": run.counts,
        "failures": run.failures,
    }


def format_runs(runs: list[RunSummary], *, failures: bool) -> str:
    lines = [f"{'run':>5}  {'started (UTC)':<19}  {'took':>7}  {'status':<11}  counts", "-" * 100]
    for run in runs:
        took = f"{(run.finished_at - run.started_at).total_seconds():.1f}s" if run.finished_at else "—"
        counts = ", ".join(f"{k} {v}" for k, v in run.counts.items() if k != "seconds")
        lines.append(f"{run.id:>5}  {run.started_at:%Y-%m-%d %H:%M:%S}  {took:>7}  {run.status:<11}  {counts}")
        if failures:
            lines += [f"{'':>7}failed {f['stage']} {f['url']}: {f['reason']}" for f in run.failures]
    return "\n".join(lines)


# ---------------------------------------------------------------------------- export
def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    from pipeline.store.exports import FORMATS

    parser.add_argument("--format", required=True, choices=FORMATS, help="jsonl: contract records; csv: one row per partnership; atlas-csv: the national atlas layout")
    parser.add_argument("--status", choices=STATUSES, help="only partnerships with this status")
    _add_db_argument(parser)
    parser.add_argument("-o", "--output", type=Path, default=None, help="write here instead of stdout")


def run_export(args: argparse.Namespace) -> int:
    from pipeline.store.exports import export

    with Store(_database_url(args)) as store:
        text = export(store.partnerships(args.status), args.format)
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    partial = args.output.with_name(args.output.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    partial.replace(args.output)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.store.cli", description="The store's commands, standalone.")
    commands = parser.add_subparsers(dest="command", required=True)
    add_run_arguments(commands.add_parser("run", help="crawl, extract, store, merge"))
    add_runs_arguments(commands.add_parser("runs", help="the last runs"))
    add_export_arguments(commands.add_parser("export", help="records for downstream registries"))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers = {"run": run_run, "runs": run_runs, "export": run_export}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
