"""The ``run``, ``import``, ``runs``, ``export`` and ``unlock`` commands, wired into ``pipeline.cli``
as subcommands.

Each command has ``add_<command>_arguments(parser)`` and ``run_<command>(args) -> int``.
Exit status: 0 success; 1 some sources or articles failed (the rest done); 2 usage error or
a store that cannot be opened (one line: the URL, password masked, and why); 75 the store is
locked by another run (EX_TEMPFAIL: nothing was done, try later); 130 / 143 ``run`` stopped by
SIGINT / SIGTERM (recorded as interrupted, lock released). ``python -m pipeline.store.cli``
runs them standalone.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from pipeline.extract.options import add_scale_arguments
from pipeline.inputs import add_max_article_size
from pipeline.scraper.fetch import FetchSettings
from pipeline.store.engine import DEFAULT_CONNECT_TIMEOUT, database_url
from pipeline.store.errors import LockHeld, StoreUnavailable
from pipeline.store.interruption import Stopped, stop_on_signals
from pipeline.store.repository import RUN_LEASE, STATUSES, RunSummary, Store

if TYPE_CHECKING:
    from pipeline.store.ingest import RunOutcome

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL (sysexits.h): another run holds the store; try again later


def _add_db_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="store URL: sqlite:///FILE or postgresql://… (default: $PARTNERSHIPS_DB, else sqlite:///partnerships.db)",
    )
    parser.add_argument(
        "--connect-timeout", type=float, default=DEFAULT_CONNECT_TIMEOUT, metavar="SECONDS",
        help=f"give up connecting to a PostgreSQL server after this long (default {DEFAULT_CONNECT_TIMEOUT:g})",
    )


def open_store(args: argparse.Namespace) -> Store:
    """The store of ``--db``; ``StoreUnavailable`` (one line, exit 2) when it cannot be opened."""
    return Store(database_url(args.db), connect_timeout=args.connect_timeout)


# ---------------------------------------------------------------------------- run
def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", type=Path, default=None, help="sources TOML file (default: the shipped networks)")
    _add_db_arguments(parser)
    parser.add_argument("--only", action="append", default=[], metavar="ID", help="crawl only this source id (repeatable)")
    parser.add_argument("--no-crawl", action="store_true", help="skip the crawl: only extract what the store owes")
    parser.add_argument(
        "--reextract", action="store_true", help="re-extract stored articles extracted by another model version (no refetching)"
    )
    parser.add_argument("--delay", type=float, default=FetchSettings.delay, help="seconds between requests to one host")
    parser.add_argument("--timeout", type=float, default=FetchSettings.timeout, help="seconds per request")
    parser.add_argument("--retries", type=int, default=FetchSettings.max_retries, help="retries on timeouts, 429 and 5xx")
    add_max_article_size(parser, "skip (and record as failed)")
    parser.add_argument("--report", action="store_true", help="print the last runs when done")
    parser.add_argument("--quiet", action="store_true", help="no progress display")
    add_scale_arguments(parser)


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

    holder = uuid.uuid4().hex
    with open_store(args) as store, stop_on_signals():
        try:
            store.acquire_lock(holder, RUN_LEASE)  # before the model: a refused run costs nothing
        except LockHeld as error:
            print(f"partnerships run: {error}", file=sys.stderr)
            return EXIT_LOCKED
        try:
            settings = FetchSettings(delay=args.delay, timeout=args.timeout, max_retries=args.retries)
            outcome = _ingest(store, sources, args, holder, settings=settings, reextract=args.reextract)
        except Stopped as stop:
            print(f"partnerships run: stopped by {stop}; recorded as interrupted, lock released", file=sys.stderr)
            return 128 + stop.signum
        finally:
            store.release_lock(holder)
        runs = store.recent_runs(5 if args.report else 1)
    print(format_runs(runs, failures=True), file=sys.stderr)
    return outcome.exit_status


def _ingest(store: Store, sources: list, args: argparse.Namespace, holder: str, **options: object) -> RunOutcome:
    """One run of the job with the extraction ``--workers`` / ``--scheduler`` name, started
    once the lock is held."""
    from pipeline.extract.options import open_extraction
    from pipeline.store.ingest import run_ingestion

    progress = None if args.quiet else (lambda url: print(f"stored {url}", file=sys.stderr, flush=True))
    with open_extraction(args) as extractor:
        return run_ingestion(
            store, sources, extractor, article_progress=progress, holder=holder, max_article_bytes=args.max_article_size, **options  # type: ignore[arg-type]
        )


# ---------------------------------------------------------------------------- import
def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="Article JSONL (.jsonl), - for standard input, or a folder of .html pages")
    _add_db_arguments(parser)
    parser.add_argument("--url-map", type=Path, metavar="CSV", help="for folders of pages: CSV with the columns file,url (the page's path in the folder, the article's URL)")
    parser.add_argument("--source", metavar="ID", help="source id given to articles read from pages (default none)")
    parser.add_argument("--profile", default="generic", help="site profile reading the pages (default generic)")
    add_max_article_size(parser, "skip (and report)")
    parser.add_argument("--extract", action="store_true", help="then extract, store and merge what the store owes, as run --no-crawl does")
    parser.add_argument("--quiet", action="store_true", help="no progress display")
    add_scale_arguments(parser)


def run_import(args: argparse.Namespace) -> int:
    from pipeline.scraper.profiles import PROFILES
    from pipeline.store.imports import import_articles, read_import_inputs

    if args.profile not in PROFILES:
        print(f"partnerships import: unknown profile {args.profile!r}; one of {', '.join(sorted(PROFILES))}", file=sys.stderr)
        return EXIT_USAGE
    holder = uuid.uuid4().hex
    with open_store(args) as store, stop_on_signals():
        try:
            store.acquire_lock(holder, RUN_LEASE)  # a run re-extracting an article must not overwrite its import
        except LockHeld as error:
            print(f"partnerships import: {error}", file=sys.stderr)
            return EXIT_LOCKED
        try:
            items = read_import_inputs(args.inputs, url_map=args.url_map, source=args.source, profile=args.profile, max_bytes=args.max_article_size)
            report = import_articles(store, items, on_failure=lambda line: print(f"partnerships import: {line}", file=sys.stderr, flush=True))
            print(f"partnerships import: {report.summary()}", file=sys.stderr)
            status = EXIT_SOME_FAILED if report.failures else EXIT_OK
            if args.extract:
                outcome = _ingest(store, [], args, holder)
                print(format_runs(store.recent_runs(1), failures=True), file=sys.stderr)
                status = max(status, outcome.exit_status)
        except Stopped as stop:
            print(f"partnerships import: stopped by {stop}; what was committed stays, import again to finish", file=sys.stderr)
            return 128 + stop.signum
        finally:
            store.release_lock(holder)
    return status


# ---------------------------------------------------------------------------- unlock
def add_unlock_arguments(parser: argparse.ArgumentParser) -> None:
    _add_db_arguments(parser)


def run_unlock(args: argparse.Namespace) -> int:
    """Release the run lock of a run that will not come back (its host is gone); a run still
    alive on this host keeps it (stop that process instead)."""
    with open_store(args) as store:
        held = store.lock()
        if held is None:
            print("partnerships unlock: no run holds the store's lock", file=sys.stderr)
            return EXIT_OK
        if held.alive_on_this_host():
            print(f"partnerships unlock: refused, {held}, and that process is running: stop it instead", file=sys.stderr)
            return EXIT_LOCKED
        store.release_lock(held.holder)
    print(f"partnerships unlock: released the {held}", file=sys.stderr)
    return EXIT_OK


# ---------------------------------------------------------------------------- runs
def add_runs_arguments(parser: argparse.ArgumentParser) -> None:
    _add_db_arguments(parser)
    parser.add_argument("-n", "--limit", type=int, default=10, help="how many runs, latest first (default 10)")
    parser.add_argument("--json", action="store_true", help="print the runs as JSON")


def run_runs(args: argparse.Namespace) -> int:
    with open_store(args) as store:
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
    _add_db_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, default=None, help="write here instead of stdout")
    parser.add_argument("--excel", action="store_true", help="csv formats: start with a UTF-8 byte-order mark, so Excel shows accents")


def run_export(args: argparse.Namespace) -> int:
    from pipeline.store.exports import EXCEL_BOM, export

    if args.excel and args.format == "jsonl":
        print("partnerships export: --excel is for the csv formats (a BOM would break JSONL readers)", file=sys.stderr)
        return EXIT_USAGE
    with open_store(args) as store:
        text = (EXCEL_BOM if args.excel else "") + export(store.partnerships(args.status), args.format)
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
    add_import_arguments(commands.add_parser("import", help="store articles from Article JSONL or folders of pages"))
    add_runs_arguments(commands.add_parser("runs", help="the last runs"))
    add_export_arguments(commands.add_parser("export", help="records for downstream registries"))
    add_unlock_arguments(commands.add_parser("unlock", help="release the lock of a run that will not come back"))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers = {"run": run_run, "import": run_import, "runs": run_runs, "export": run_export, "unlock": run_unlock}
    try:
        return handlers[args.command](args)
    except StoreUnavailable as error:
        print(f"partnerships {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
