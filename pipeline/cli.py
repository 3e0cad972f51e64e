"""The ``partnerships`` command line (CONTRACT.md, Command line).

``parse_args`` is pure; ``main`` configures logging (only here), runs one command and returns
its exit status: 0 success, 1 some inputs failed (the others done), 2 usage error or a store
that cannot be opened; the store commands add theirs (``pipeline.store.cli``).
Records go to stdout as JSONL unless ``-o`` says otherwise; logs and progress go to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from pipeline import __version__
from pipeline.extract.options import add_scale_arguments
from pipeline.inputs import add_max_article_size, positive_int

log = logging.getLogger("pipeline")

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from None


def _worker_counts(value: str) -> list[int]:
    from pipeline.extract.options import worker_count

    return [worker_count(part.strip()) for part in value.split(",")]


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
    extract.add_argument("--quiet", action="store_true", help="log only errors, no progress bar")
    add_max_article_size(extract, "skip (and report)")
    add_scale_arguments(extract)

    evaluate = commands.add_parser("eval", help="score extraction against a gold file", description=(
        "Extract the gold articles (or read predictions from --pred) and print the contract's scores."))
    evaluate.add_argument("gold", type=Path, metavar="GOLD.jsonl")
    evaluate.add_argument("--texts", type=Path, help=(
        "folder of the real pages' texts for a gold file that carries fingerprints instead of texts "
        "(default: texts/ beside the gold file; fixtures/real/README.md)"))
    evaluate.add_argument("--floors", type=Path, help=(
        "JSON of F1 floors per gold file name ({\"test.jsonl\": {\"records\": 0.8, ...}}): exit 1 when a score is below its floor"))
    evaluate.add_argument("--pred", type=Path, help="predicted records (JSONL) instead of running extraction")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.add_argument("--errors", action="store_true", help="also list, per article, missed and wrong items")
    evaluate.add_argument("--quiet", action="store_true", help="log only errors, no progress bar")

    corpus = commands.add_parser("corpus", help="which real-page texts of a gold file are present, and how to refetch the others", description=(
        "For each line of real-page gold files: ok, missing (with the search query to run and the file to write its "
        "excerpt to) or changed (fingerprint differs). Exit 0 when every text is present and matches."))
    corpus.add_argument("gold", type=Path, nargs="+", metavar="GOLD.jsonl")
    corpus.add_argument("--texts", type=Path, help="texts folder (default: texts/ beside each gold file)")

    train_pairs = commands.add_parser("train-pairs", help="train the learned pair scorer on a gold file", description=(
        "Fit the pair scorer the assembler uses where its rules give no record (pipeline/extract/assembly/pair_model.py) "
        "on the candidate pairs of a gold file's articles, and write its weights. The shipped model is trained on "
        "fixtures/real/tune.jsonl; never train on the test part."))
    train_pairs.add_argument("gold", type=Path, metavar="GOLD.jsonl")
    train_pairs.add_argument("--texts", type=Path, help="folder of the real pages' texts (default: texts/ beside the gold file)")
    train_pairs.add_argument("-o", "--output", type=Path, required=True, help="model file to write (the shipped one: models/pairs/pair_model.json)")
    train_pairs.add_argument("--l2", type=float, default=10.0, help="L2 penalty of the logistic regression (default 10)")
    train_pairs.add_argument("--threshold", type=float, default=0.3, help="probability a pair needs to give a record (default 0.3)")
    train_pairs.add_argument("--quiet", action="store_true", help="log only errors")

    commands.add_parser("schema", help="print the JSON Schema of a partnership record")

    bench = commands.add_parser("bench", help="throughput of extraction against raw spaCy on the same texts", description=(
        "Extraction against raw nlp.pipe of the base model in one process; with --workers 1,2 (and --dask-workers or "
        "--scheduler) the speed-up of several processes, their peak memory, and the store's write rate."))
    bench.add_argument("--corpus", type=Path, help="gold or article JSONL to repeat (default: the bundled dev-like fixtures)")
    bench.add_argument("--articles", type=positive_int, default=1000, help="number of articles to process (default 1000)")
    bench.add_argument("--rounds", type=positive_int, default=1, help="time each run this many times, alternating, and keep the fastest (default 1)")
    bench.add_argument("--profile", action="store_true", help="also time each stage of the extraction (model components, rule components, assembly)")
    bench.add_argument("--workers", type=_worker_counts, metavar="N,N,...", help="scaling: extract with these numbers of processes (1 = this process)")
    bench.add_argument("--dask-workers", type=positive_int, metavar="N", help="scaling: also through a local Dask cluster of N worker processes")
    bench.add_argument("--scheduler", metavar="ADDRESS", help="scaling: also through this Dask cluster (tcp://host:8786)")
    bench.add_argument("--db", action="append", default=[], metavar="URL", help="scaling: the store's write rate on this empty store (default: a temporary SQLite file)")
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
    from pipeline.store.cli import add_export_arguments, add_import_arguments, add_run_arguments, add_runs_arguments, add_unlock_arguments

    add_run_arguments(commands.add_parser("run", help="the scheduled job: crawl, extract, store, merge", description=(
        "Crawl the configured sources, extract new and changed articles, store and merge their records. "
        "Incremental and idempotent; exit 0 all done, 1 some sources or articles failed, 2 usage or store error, "
        "75 another run holds the store's lock, 130/143 stopped by SIGINT/SIGTERM (recorded as interrupted).")))
    add_import_arguments(commands.add_parser("import", help="store articles from Article JSONL or folders of pages, to extract later", description=(
        "Store articles from elsewhere as the crawl would: Article JSONL (- for stdin) or folders of .html pages with "
        "--url-map. A bad line or page is reported with its file and line and the others are stored; run --no-crawl "
        "(or --extract) extracts them. Exit 0 all stored, 1 some inputs failed, 2 usage or store error, 75 a run holds the lock.")))
    add_runs_arguments(commands.add_parser("runs", help="the last runs of the scheduled job"))
    add_export_arguments(commands.add_parser("export", help="records for downstream registries (jsonl, csv, atlas-csv)"))
    add_unlock_arguments(commands.add_parser("unlock", help="release the store's lock left by a run that will not come back", description=(
        "Release the run lock of a run on another host that will never come back; says whose lock it breaks. "
        "A run still alive on this host keeps its lock (exit 75).")))
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
    logging.getLogger("alembic").setLevel(logging.DEBUG if verbose else logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    configure_logging(args.verbose, getattr(args, "quiet", False))
    from pipeline.review.cli import run_review
    from pipeline.scraper.cli import run_crawl, run_demo
    from pipeline.extract.options import ExtractionUnavailable
    from pipeline.scraper.parse_cli import run_parse
    from pipeline.scraper.probe import run_sources
    from pipeline.store.cli import run_export, run_import, run_run, run_runs, run_unlock
    from pipeline.store.errors import StoreUnavailable

    handlers = {
        "extract": run_extract,
        "eval": run_eval,
        "corpus": run_corpus,
        "train-pairs": run_train_pairs,
        "schema": run_schema,
        "bench": run_bench,
        "crawl": run_crawl,
        "demo": run_demo,
        "parse": run_parse,
        "sources": run_sources,
        "run": run_run,
        "import": run_import,
        "runs": run_runs,
        "export": run_export,
        "review": run_review,
        "unlock": run_unlock,
    }
    try:
        return handlers[args.command](args)
    except (StoreUnavailable, ExtractionUnavailable) as error:
        print(f"partnerships {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK


# ---------------------------------------------------------------------------- extract
def run_extract(args: argparse.Namespace) -> int:
    from pipeline.extract.options import open_extraction
    from pipeline.inputs import read_inputs

    failures = 0

    def articles() -> Iterator:
        """Read as extraction goes, so memory does not grow with the inputs."""
        nonlocal failures
        for item in read_inputs(args.inputs, published=args.published, url=args.url, max_bytes=args.max_article_size):
            if isinstance(item, str):
                log.error("%s", item)
                failures += 1
            else:
                yield item

    with _output(args.output) as out:
        stream = articles()
        first = next(stream, None)
        if first is None:  # nothing readable: no need to load the model
            return EXIT_SOME_FAILED if failures else EXIT_OK
        with open_extraction(args) as extractor:
            for result in _progress(extractor.extract(itertools.chain([first], stream)), total=None, quiet=args.quiet):
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


def _progress(iterable: Iterator, total: int | None, quiet: bool) -> Iterator:
    if quiet or (total is not None and total < 20):
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, unit="article", file=sys.stderr, disable=None)


# ---------------------------------------------------------------------------- eval
def run_eval(args: argparse.Namespace) -> int:
    from pipeline.evaluation.gold import read_gold
    from pipeline.evaluation.scoring import article_diffs, format_article_diff, format_report, score

    gold_set = read_gold(args.gold, args.texts)
    for problem in gold_set.problems:
        log.error("%s", problem)
    failures = len(gold_set.problems)
    gold = gold_set.articles
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
    if args.floors is not None and not _meets_floors(report, args.floors, args.gold.name):
        return EXIT_SOME_FAILED
    return EXIT_SOME_FAILED if failures else EXIT_OK


def _meets_floors(report, floors_file: Path, gold_name: str) -> bool:
    """Compare the record and slot F1 (and any per-field F1 the file names) with their floors."""
    floors = json.loads(floors_file.read_text(encoding="utf-8")).get(gold_name)
    if floors is None:
        log.error("%s names no floors for %s", floors_file, gold_name)
        return False
    scores = report.to_dict()
    ok = True
    for measure, floor in floors.items():
        value = scores[measure]["f1"] if measure in ("records", "slots") else scores["fields"][measure]["f1"]
        if value < floor:
            log.error("%s F1 %.3f is below its floor %.3f (%s)", measure, value, floor, floors_file)
            ok = False
    return ok


# ---------------------------------------------------------------------------- corpus
def run_corpus(args: argparse.Namespace) -> int:
    from pipeline.evaluation.gold import corpus_status

    incomplete = 0
    for gold_file in args.gold:
        for status in corpus_status(gold_file, args.texts):
            print(status.line())
            incomplete += status.state != "ok"
    return EXIT_SOME_FAILED if incomplete else EXIT_OK


# ---------------------------------------------------------------------------- train-pairs
def run_train_pairs(args: argparse.Namespace) -> int:
    from pipeline.evaluation.train_pairs import train

    if not args.gold.is_file():
        log.error("%s: no such gold file", args.gold)
        return EXIT_USAGE
    try:
        model, data, problems = train(args.gold, args.texts, l2=args.l2, threshold=args.threshold)
    except ValueError as error:
        log.error("%s: %s", args.gold, error)
        return EXIT_SOME_FAILED
    for problem in problems:
        log.error("%s", problem)
    model.save(args.output)
    print(f"{args.output}: trained on {data.pages} pages, {len(data.labels)} candidate pairs ({int(data.labels.sum())} positive)")
    return EXIT_SOME_FAILED if problems else EXIT_OK


# ---------------------------------------------------------------------------- schema
def run_schema(args: argparse.Namespace) -> int:
    from pipeline.records import record_json_schema

    print(json.dumps(record_json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


# ---------------------------------------------------------------------------- bench
def run_bench(args: argparse.Namespace) -> int:
    if args.workers or args.dask_workers or args.scheduler:
        from pipeline.extract.bench_scale import format_scaling, run_scaling

        result = run_scaling(
            corpus=args.corpus, articles=args.articles, workers=args.workers or [1], dask_workers=args.dask_workers,
            scheduler=args.scheduler, store_urls=args.db,
        )
        print(json.dumps(result, indent=2) if args.json else format_scaling(result))
        return EXIT_OK
    from pipeline.extract.bench import format_bench, run_benchmark

    result = run_benchmark(corpus=args.corpus, articles=args.articles, rounds=args.rounds, profile=args.profile)
    print(json.dumps(result, indent=2) if args.json else format_bench(result))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
