"""The ``crawl`` and ``demo`` commands (wired into ``pipeline.cli`` as subcommands).

``crawl`` fetches the configured sources incrementally and writes the new and changed
Articles as JSONL (stdout unless ``-o``), with a progress display and a summary on stderr.
``demo`` serves the bundled fixture site on a free localhost port with a real HTTP server,
crawls it, extracts the records and writes them as JSONL, then prints a table of them.
Exit status: 0 success, 1 when some pages failed (the others done), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import httpx
from pydantic import ValidationError
from tqdm import tqdm

from pipeline.scraper.crawl import CrawlReport, ProgressCallback, crawl
from pipeline.scraper.fetch import FetchSettings
from pipeline.scraper.fixture_server import PLACEHOLDER_ORIGIN, FixtureSite
from pipeline.scraper.sources import Source, demo_site_dir, load_sources, rebase, shipped_sources_path
from pipeline.scraper.state import CrawlState

if TYPE_CHECKING:
    from pipeline.store.repository import StoredPartnership

log = logging.getLogger(__name__)

DEFAULT_STATE_DIR = ".partnerships-crawl"


def add_crawl_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", type=Path, default=None, help="sources TOML file (default: the shipped networks)")
    parser.add_argument(
        "--state",
        type=Path,
        default=Path(os.environ.get("PARTNERSHIPS_CRAWL_STATE", DEFAULT_STATE_DIR)),
        help="directory of the crawl memory and raw archive (default: $PARTNERSHIPS_CRAWL_STATE or %(default)s)",
    )
    parser.add_argument("-o", "--output", type=Path, default=None, help="write new articles here (default: stdout)")
    parser.add_argument("--only", action="append", default=[], metavar="ID", help="crawl only this source id (repeatable)")
    parser.add_argument("--delay", type=float, default=FetchSettings.delay, help="seconds between requests to one host")
    parser.add_argument("--timeout", type=float, default=FetchSettings.timeout, help="seconds per request")
    parser.add_argument("--retries", type=int, default=FetchSettings.max_retries, help="retries on timeouts, 429 and 5xx")
    parser.add_argument("--quiet", action="store_true", help="no progress display")


def run_crawl(args: argparse.Namespace) -> int:
    try:
        sources = load_sources(args.sources or shipped_sources_path())
    except (OSError, ValidationError, ValueError) as error:
        print(f"partnerships crawl: cannot read sources: {error}", file=sys.stderr)
        return 2
    if args.only:
        unknown = set(args.only) - {s.id for s in sources}
        if unknown:
            print(f"partnerships crawl: unknown source ids: {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        sources = [s for s in sources if s.id in args.only]
    settings = FetchSettings(delay=args.delay, timeout=args.timeout, max_retries=args.retries)
    report = _crawl_with_progress(sources, args.state, settings, quiet=args.quiet)
    with _open_output(args.output) as out:
        _write_jsonl((a.model_dump_json() for a in report.articles), out)
    print(report.summary(), file=sys.stderr)
    return 1 if report.failed else 0


DEMO_PORT = 8642


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default=None, metavar="URL",
        help="store URL (default: $PARTNERSHIPS_DB, else sqlite:///partnerships.db in the working directory)",
    )
    parser.add_argument("--site", type=Path, default=None, help="fixture site directory (default: the one the package carries)")
    parser.add_argument("--quiet", action="store_true", help="no progress display")


def demo_crawl(site_dir: Path, state_dir: Path, *, quiet: bool = True) -> CrawlReport:
    """Serve the fixture site on a free localhost port and crawl its sources once.

    Article URLs are given back under the site's placeholder origin (``http://fixture.invalid``),
    as in ``fixtures/site/gold.jsonl``, so records do not depend on the port of the day."""
    settings = FetchSettings(delay=0.0, timeout=10.0, max_retries=1, backoff_base=0.1)
    with FixtureSite(site_dir) as site:
        sources = rebase(load_sources(site_dir / "sources.toml"), site.url)
        report = _crawl_with_progress(sources, state_dir, settings, quiet=quiet)
        report.articles = [
            a.model_copy(update={"url": a.url.replace(site.url, PLACEHOLDER_ORIGIN)}) for a in report.articles
        ]
    return report


def run_demo(args: argparse.Namespace) -> int:
    """The scheduled job (crawl, extract, store, merge) against the fixture site served on localhost,
    into the embedded SQLite store by default; then a table of the stored records."""
    site_dir = args.site or demo_site_dir()
    if not (site_dir / "sources.toml").is_file():
        print(f"partnerships demo: no fixture site at {site_dir} (no sources.toml there)", file=sys.stderr)
        return 2
    from pipeline.extract import Extractor  # loads spaCy: imported only when the demo runs
    from pipeline.store.ingest import run_ingestion
    from pipeline.store.engine import database_url
    from pipeline.store.repository import Store

    settings = FetchSettings(delay=0.0, timeout=10.0, max_retries=1, backoff_base=0.1)
    url = database_url(args.db)
    with FixtureSite(site_dir, port=DEMO_PORT) as site, Store(url) as store:
        sources = rebase(load_sources(site_dir / "sources.toml"), site.url)
        outcome = run_ingestion(store, sources, Extractor(), settings=settings)
        partnerships = store.partnerships()
    print(_summary_table(partnerships))
    counts = ", ".join(f"{k} {v}" for k, v in sorted(outcome.counts.items()) if isinstance(v, int))
    print(f"{len(partnerships)} partnerships in {url} ({counts})", file=sys.stderr)
    for failure in outcome.failures:
        print(f"failed: {failure['stage']} {failure['url']}: {failure['reason']}", file=sys.stderr)
    return outcome.exit_status


def _summary_table(partnerships: list[StoredPartnership]) -> str:
    lines = [f"{'type':<28} {'signed':<10} {'status':<9} {'signatories':<58} articles", "-" * 112]
    for partnership in sorted(partnerships, key=lambda p: (p.document.get("signed_on") or "", p.id)):
        record = partnership.document
        names = " / ".join(f"{p['name']} ({p['country']})" for p in record["signatories"])
        lines.append(
            f"{record['agreement_type']:<28} {record.get('signed_on') or '':<10} {partnership.status:<9} {names:<58} {len(partnership.articles)}"
        )
    return "\n".join(lines)


def _crawl_with_progress(sources: list[Source], state_dir: Path, settings: FetchSettings, *, quiet: bool) -> CrawlReport:
    bar = tqdm(desc="crawl", unit="page", file=sys.stderr, disable=quiet, leave=False)
    counts: dict[str, int] = {}

    def progress(event: str, url: str) -> None:
        counts[event] = counts.get(event, 0) + 1
        if event in ("fetched", "not_modified", "failed"):
            bar.update(1)
        bar.set_postfix(counts, refresh=False)

    async def go(callback: ProgressCallback) -> CrawlReport:
        async with httpx.AsyncClient() as client:
            return await crawl(sources, client, CrawlState(state_dir), settings=settings, progress=callback)

    try:
        return asyncio.run(go(progress))
    finally:
        bar.close()


def _open_output(path: Path | None) -> nullcontext[TextIO] | TextIO:
    return nullcontext(sys.stdout) if path is None else path.open("w", encoding="utf-8")


def _write_jsonl(lines: Iterable[str], out: TextIO) -> None:
    for line in lines:
        out.write(line + "\n")
