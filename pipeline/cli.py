"""The ``partnerships`` command line (CONTRACT.md, Command line).

``parse_args`` is pure; ``main`` configures logging (only here), runs one command and returns
its exit status: 0 success, 1 some inputs failed (the others done), 2 usage error.
Records go to stdout as JSONL unless ``-o`` says otherwise; logs and progress go to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from pipeline import __version__

log = logging.getLogger("pipeline")

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partnerships",
        description="Turn French news about international partnerships of local authorities into records.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages on stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    extract = commands.add_parser("extract", help="extract partnership records from articles", description=(
        "Extract partnership records. INPUT is Article JSONL (.jsonl), a page (.html), a text file "
        "(.txt, first line the title) or - for Article JSONL on stdin."))
    extract.add_argument("inputs", nargs="+", metavar="INPUT")
    extract.add_argument("-o", "--output", type=Path, help="write records here instead of stdout")
    extract.add_argument("--published", type=_date, help="publication date for .txt/.html inputs (YYYY-MM-DD)")
    extract.add_argument("--url", help="article URL for a single .txt/.html input (default: file:// path)")
    extract.add_argument("--batch-size", type=int, default=32, help="blocks per nlp.pipe batch (default 32)")
    extract.add_argument("--quiet", action="store_true", help="log only errors, no progress bar")

    evaluate = commands.add_parser("eval", help="score extraction against a gold file", description=(
        "Extract the gold articles (or read predictions from --pred) and print the contract's scores."))
    evaluate.add_argument("gold", type=Path, metavar="GOLD.jsonl")
    evaluate.add_argument("--pred", type=Path, help="predicted records (JSONL) instead of running extraction")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.add_argument("--errors", action="store_true", help="also list, per article, missed and wrong items")
    evaluate.add_argument("--quiet", action="store_true", help="log only errors, no progress bar")

    commands.add_parser("schema", help="print the JSON Schema of a partnership record")

    bench = commands.add_parser("bench", help="throughput of extraction against raw spaCy on the same texts")
    bench.add_argument("--corpus", type=Path, help="gold or article JSONL to repeat (default: the bundled dev-like fixtures)")
    bench.add_argument("--articles", type=int, default=1000, help="number of articles to process (default 1000)")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")

    from pipeline.scraper.cli import add_crawl_arguments, add_demo_arguments

    add_crawl_arguments(commands.add_parser("crawl", help="fetch new and changed articles of the configured sources", description=(
        "Fetch the configured networks' news politely and incrementally; new articles go out as JSONL.")))
    add_demo_arguments(commands.add_parser("demo", help="the whole pipeline against the bundled fixture site", description=(
        "Serve the bundled fixture site on localhost, crawl it, extract records and print a summary.")))

    from pipeline.scraper.parse_cli import add_parse_arguments
    from pipeline.scraper.probe import add_sources_arguments

    add_parse_arguments(commands.add_parser("parse", help="what the scraper makes of saved pages (Article JSONL)", description=(
        "Parse saved pages with a site profile and print one Article JSON line per page; no NLP model is loaded.")))
    add_sources_arguments(commands.add_parser("sources", help="help configuring sources (probe a new site)", description=(
        "Tools for the sources file; 'sources probe URL' proposes a [[source]] entry for a site nobody configured yet.")))

    from pipeline.review.cli import add_review_arguments
    from pipeline.store.cli import add_export_arguments, add_run_arguments, add_runs_arguments

    add_run_arguments(commands.add_parser("run", help="the scheduled job: crawl, extract, store, merge", description=(
        "Crawl the configured sources, extract new and changed articles, store and merge their records. "
        "Incremental and idempotent; exit 0 all done, 1 some sources or articles failed.")))
    add_runs_arguments(commands.add_parser("runs", help="the last runs of the scheduled job"))
    add_export_arguments(commands.add_parser("export", help="records for downstream registries (jsonl, csv, atlas-csv)"))
    add_review_arguments(commands.add_parser("review", help="the analysts' review page", description=(
        "Serve the review page on the store; off localhost an operator token is required.")))
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def configure_logging(verbose: bool, quiet: bool) -> None:
    level = logging.DEBUG if verbose else logging.ERROR if quiet else logging.INFO
    logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    # one line per HTTP request is for debugging, not for a nightly log
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose else logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    configure_logging(args.verbose, getattr(args, "quiet", False))
    from pipeline.review.cli import run_review
    from pipeline.scraper.cli import run_crawl, run_demo
    from pipeline.scraper.parse_cli import run_parse
    from pipeline.scraper.probe import run_sources
    from pipeline.store.cli import run_export, run_run, run_runs

    handlers = {
        "extract": run_extract,
        "eval": run_eval,
        "schema": run_schema,
        "bench": run_bench,
        "crawl": run_crawl,
        "demo": run_demo,
        "parse": run_parse,
        "sources": run_sources,
        "run": run_run,
        "runs": run_runs,
        "export": run_export,
        "review": run_review,
    }
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK


# ---------------------------------------------------------------------------- extract
def run_extract(args: argparse.Namespace) -> int:
    from pipeline.extract import Extractor
    from pipeline.inputs import read_inputs

    failures = 0
    articles = []
    for item in read_inputs(args.inputs, published=args.published, url=args.url):
        if isinstance(item, str):
            log.error("%s", item)
            failures += 1
        else:
            articles.append(item)
    extractor = Extractor(batch_size=args.batch_size)
    with _output(args.output) as out:
        for result in _progress(extractor.extract(articles), total=len(articles), quiet=args.quiet):
            if result.error:
                log.error("%s: extraction failed: %s", result.article.url, result.error)
                failures += 1
                continue
            for record in result.records:
                out.write(record.model_dump_json() + "\n")
            out.flush()
    return EXIT_SOME_FAILED if failures else EXIT_OK


class _output:
    """stdout, or a file written next to its final name and moved into place when complete."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.handle: TextIO | None = None

    def __enter__(self) -> TextIO:
        if self.path is None:
            return sys.stdout
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.handle = self.partial.open("w", encoding="utf-8")
        return self.handle

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.handle is None:
            return
        self.handle.close()
        if exc_type is None:
            self.partial.replace(self.path)


def _progress(iterable: Iterator, total: int, quiet: bool) -> Iterator:
    if quiet or total < 20:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, unit="article", file=sys.stderr, disable=None)


# ---------------------------------------------------------------------------- eval
def run_eval(args: argparse.Namespace) -> int:
    from pipeline.records import GoldArticle
    from pipeline.scoring import article_diffs, format_article_diff, format_report, score

    gold: list[GoldArticle] = []
    failures = 0
    with args.gold.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                gold.append(GoldArticle.model_validate_json(line))
            except ValueError as exc:
                log.error("%s:%d: not a gold line: %s", args.gold, number, str(exc).splitlines()[0])
                failures += 1
    predicted: dict[str, list[dict]] = {g.article.url: [] for g in gold}
    if args.pred is not None:
        with args.pred.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    record = json.loads(line)
                    predicted.setdefault(record["article_url"], []).append(record)
    else:
        from pipeline.extract import Extractor

        extractor = Extractor()
        for result in _progress(extractor.extract([g.article for g in gold]), total=len(gold), quiet=args.quiet):
            if result.error:
                log.error("%s: extraction failed: %s", result.article.url, result.error)
                failures += 1
            predicted[result.article.url] = [r.model_dump(mode="json") for r in result.records]
    report = score(gold, predicted)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
        if args.errors:
            for diff in article_diffs(gold, predicted):
                text = format_article_diff(diff)
                if text:
                    print(text)
    return EXIT_SOME_FAILED if failures else EXIT_OK


# ---------------------------------------------------------------------------- schema
def run_schema(args: argparse.Namespace) -> int:
    from pipeline.records import record_json_schema

    print(json.dumps(record_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


# ---------------------------------------------------------------------------- bench
def run_bench(args: argparse.Namespace) -> int:
    from pipeline.bench import format_bench, run_benchmark

    result = run_benchmark(corpus=args.corpus, articles=args.articles)
    print(json.dumps(result, indent=2) if args.json else format_bench(result))
    return EXIT_OK
