"""Where extraction runs, as the commands ``extract``, ``run``, ``import`` and ``bench`` ask for it:
in this process (``--workers 1``, the default), in a pool of processes of this machine
(``--workers N``, ``auto`` = the cores this process may use) or on a Dask cluster
(``--scheduler tcp://host:8786``); and in what sizes it is fed.

Light on purpose (spaCy is imported only when extraction starts), so that commands which never
extract start at once."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.extract.extractor import ArticleExtractor

# Blocks per nlp.pipe batch: a block is a paragraph, and batches of 32 of them cost the model
# about a third more time than batches of 256 (`partnerships bench --profile`).
BATCH_SIZE = 256
# Articles whose blocks are parsed together; also the unit of work sent to another process.
ARTICLES_PER_CHUNK = 32


class ExtractionUnavailable(RuntimeError):
    """The extraction asked for cannot run: the Dask extra is missing, the scheduler cannot be
    reached, a worker cannot load the model or runs another model version. One line, exit 2."""


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def worker_count(value: str) -> int:
    if value == "auto":
        return available_cores()
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of workers above 0, nor 'auto'")
    return int(value)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number above 0")
    return int(value)


def add_scale_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=worker_count, default=1, metavar="N", help=(
        "extract in N processes of this machine, each loading the model once ('auto': one per core; default 1, this process)"))
    where.add_argument("--scheduler", metavar="ADDRESS", help=(
        "extract on the workers of this Dask cluster (tcp://host:8786; needs partnerships[distributed]); this process writes"))
    parser.add_argument("--chunk-size", type=_positive, default=ARTICLES_PER_CHUNK, metavar="N", help=(
        f"articles sent to a worker at a time (default {ARTICLES_PER_CHUNK})"))
    parser.add_argument("--batch-size", type=_positive, default=BATCH_SIZE, metavar="N", help=(
        f"blocks per nlp.pipe batch (default {BATCH_SIZE})"))


@contextlib.contextmanager
def open_extraction(args: argparse.Namespace) -> Iterator[ArticleExtractor]:
    """The extraction the options name, started (models loaded) and stopped around the block."""
    if args.scheduler:
        try:
            from pipeline.extract.cluster import DaskExtractor
        except ImportError as missing:
            raise ExtractionUnavailable(str(missing)) from None
        with DaskExtractor(args.scheduler, batch_size=args.batch_size, chunk_size=args.chunk_size) as cluster:
            yield cluster
    elif args.workers > 1:
        from pipeline.extract.workers import WorkerPool

        with WorkerPool(args.workers, batch_size=args.batch_size, chunk_size=args.chunk_size) as pool:
            yield pool
    else:
        from pipeline.extract.extractor import Extractor

        yield Extractor(batch_size=args.batch_size, chunk_size=args.chunk_size)
