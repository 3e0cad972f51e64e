"""Extraction: articles in, partnership records out, the model loaded once and fed in batches.

Each article is cut into blocks (pipeline.extract.blocks), every block of a chunk of articles goes
through one ``nlp.pipe`` call, and the article's records are assembled from its blocks
(pipeline.extract.assembly). A failure on one article is reported on its result and the others go on.

Where the time goes (``partnerships bench --profile``): the French model's own components
dominate, so the extractor spends as little of it as it can without changing a record:

- *lexical screening*: a window of an article none of whose lower-cased text contains a word
  that an agreement pattern starts with cannot report an agreement; it is not parsed at all
  (``trigger_words``, read from the agreement patterns, so it follows their changes);
- *batching*: the blocks of ``ARTICLES_PER_CHUNK`` articles go through ``nlp.pipe`` in batches of
  ``BATCH_SIZE`` blocks; blocks are short, and small batches cost the model a third more;
- *enrichment* (places, parties, dates, …) only on the windows whose agreement finder reports
  an agreement.

Several processes or machines run one ``Extractor`` each (``pipeline.extract.workers``,
``pipeline.extract.cluster``); ``ArticleExtractor`` is what the stages downstream rely on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import spacy.util
import srsly
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.assembly import ANCHOR_STATUSES, ArticleView, Assembler, AssemblyLexicon
from pipeline.extract.assembly.pair_model import PairModel
from pipeline.extract.blocks import BlockKind, normalise_text, split_blocks
from pipeline.extract.model import read_model_config, shared_nlp
from pipeline.extract.options import ARTICLES_PER_CHUNK, BATCH_SIZE
from pipeline.records import Article, PartnershipRecord

log = logging.getLogger(__name__)

# An article longer than this is read in windows of whole sections, so memory stays bounded.
MAX_BLOCKS_PER_WINDOW = 400


@dataclass
class ArticleResult:
    article: Article
    records: list[PartnershipRecord] = field(default_factory=list)
    error: str | None = None


class ArticleExtractor(Protocol):
    """What the commands and the nightly job need of an extraction: this process's ``Extractor``,
    a pool of processes (``workers.WorkerPool``) or a Dask cluster (``cluster.DaskExtractor``).
    Results come in the order of the articles."""

    model_version: str

    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleResult]: ...


def model_version_of(config: dict[str, Any], base_version: str) -> str:
    return f"{config['model']['base']}-{base_version}+rules-{config['model']['version']}"


def installed_model_version() -> str:
    """The version an ``Extractor`` of this installation stamps on its records, without loading
    the model (a coordinator whose workers do the extraction needs it before they start)."""
    config = read_model_config()
    meta = srsly.read_json(spacy.util.get_package_path(config["model"]["base"]) / "meta.json")
    return model_version_of(config, meta.get("version", ""))


def trigger_words(config: dict[str, Any]) -> frozenset[str] | None:
    """Lower-cased words one of which begins every match of the screening component, read from
    its token patterns; None when that cannot be said (another screening component, a pattern
    whose first token is optional or tests something else than the word): then every window
    is parsed."""
    if list(config["model"]["screening"]) != ["partnerships_agreements"]:
        return None
    words: set[str] = set()
    for entry in srsly.read_jsonl(config["components"]["partnerships_agreements"]["patterns_path"]):
        first = dict(entry["pattern"][0])
        if len(first) != 1:  # an operator or a second attribute
            return None
        ((attribute, value),) = first.items()
        if attribute.upper() not in ("LOWER", "ORTH", "TEXT"):
            return None
        values = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) and list(value) == ["IN"] else None
        if not values or not all(isinstance(word, str) for word in values):
            return None
        words.update(word.lower() for word in values)
    return frozenset(words)


class Extractor:
    """Loads the pipeline once (or takes one) and extracts records from a stream of articles."""

    def __init__(self, nlp: Language | None = None, batch_size: int = BATCH_SIZE, chunk_size: int = ARTICLES_PER_CHUNK, learned_pairs: bool = True) -> None:
        """``learned_pairs=False``: the rules alone, without the learned pair scorer (to train it)."""
        self.nlp = nlp or shared_nlp()
        self.batch_size = batch_size
        self.chunk_size = chunk_size
        config = read_model_config()
        assembly = config["assembly"]
        lexicon = AssemblyLexicon.from_files(assembly["lexicon_path"], assembly["party_kinds_path"])
        self.model_version = model_version_of(config, self.nlp.meta.get("version", ""))
        # Components that only matter once a window reports an agreement: most news does not.
        screening = set(config["model"]["screening"])
        ours = [name for name in self.nlp.pipe_names if name in config.get("components", {})]
        self.enrichment = [name for name in ours if name not in screening]
        triggers = trigger_words(config)
        self.screen = None if triggers is None else re.compile("|".join(re.escape(word) for word in sorted(triggers, key=len, reverse=True)))
        pair_model = PairModel.load(assembly["pair_model_path"]) if learned_pairs else None
        self.assembler = Assembler(self.model_version, lexicon, pair_model)

    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleResult]:
        chunk: list[Article] = []
        for article in articles:
            chunk.append(article)
            if len(chunk) >= self.chunk_size:
                yield from self._extract_chunk(chunk)
                chunk = []
        if chunk:
            yield from self._extract_chunk(chunk)

    def extract_one(self, article: Article) -> list[PartnershipRecord]:
        result = next(self.extract([article]))
        if result.error:
            raise ValueError(result.error)
        return result.records

    def _extract_chunk(self, articles: list[Article]) -> Iterator[ArticleResult]:
        results = [ArticleResult(article) for article in articles]
        for index, window in self.reporting_windows(articles):
            result = results[index]
            if result.error:
                continue
            try:
                result.records.extend(self.assembler.assemble(window.view()))
            except Exception as exc:  # one bad article must not stop the batch
                log.exception("extraction failed for %s", articles[index].url)
                result.error = f"{type(exc).__name__}: {exc}"
                result.records.clear()
        yield from results

    def reporting_windows(self, articles: list[Article]) -> Iterator[tuple[int, ReportingWindow]]:
        """Screen every block with the base model and the agreement finder in one ``nlp.pipe``;
        yield (article index, window) for the windows that report an agreement, whose view runs
        the other rule components only when asked for."""
        windows = []  # (article index, normalised text, blocks)
        for index, article in enumerate(articles):
            text = normalise_text(article.text)
            for window in _windows(split_blocks(text, article.title)):
                if self.may_report_agreement(window):
                    windows.append((index, text, window))
        parsed = iter(self.nlp.pipe(self._block_docs(articles, windows), batch_size=self.batch_size, disable=self.enrichment))
        seen: set[int] = set()
        for index, text, blocks in windows:
            block_docs = [next(parsed) for _ in blocks]
            # a later window repeats the title: its agreement words there were the first window's
            titled = index not in seen
            seen.add(index)
            if window_reports_agreement(block_docs, blocks, titled):
                yield index, ReportingWindow(self, articles[index], text, blocks, block_docs)

    def may_report_agreement(self, window: list) -> bool:
        """False when no block of the window holds a word an agreement mention starts with."""
        return self.screen is None or any(self.screen.search(block.text.lower()) for block in window)

    def _block_docs(self, articles: list[Article], windows: list) -> Iterator[Doc]:
        for index, _, blocks in windows:
            for block in blocks:
                doc = self.nlp.make_doc(block.text)
                doc._.published = articles[index].published
                yield doc

    def enrich(self, doc: Doc) -> Doc:
        for name in self.enrichment:
            doc = self.nlp.get_pipe(name)(doc)
        return doc


@dataclass
class ReportingWindow:
    """A window that reports an agreement, screened but not yet enriched."""

    extractor: Extractor
    article: Article
    text: str
    blocks: list
    block_docs: list[Doc]

    def view(self) -> ArticleView:
        return ArticleView(self.article, self.text, self.blocks, [self.extractor.enrich(doc) for doc in self.block_docs])


def window_reports_agreement(block_docs: list[Doc], blocks: list, titled: bool) -> bool:
    """Whether a window is assembled; ``titled``: it is the article's first window (a later one
    repeats the title, whose agreement words were the first window's)."""
    return any(_reports_agreement(doc, block.kind, titled) for doc, block in zip(block_docs, blocks))


def _reports_agreement(doc: Doc, kind: BlockKind, titled: bool) -> bool:
    """A block that reports an agreement, a twinning word (which may introduce a list of twin
    towns), or a title or heading naming an agreement ("Convention-cadre … entre A et B")."""
    headline = kind is BlockKind.heading or (kind is BlockKind.title and titled)
    spans = doc.spans.get("agreements", [])
    return any(headline or span._.agreement_status in ANCHOR_STATUSES or span.label_ == "twinning" for span in spans)


def _windows(blocks: list) -> list[list]:
    """The article's blocks, cut at section starts into windows of at most MAX_BLOCKS_PER_WINDOW.

    Every window after the first starts with the title block again, so that fields read from
    the title stay available.
    """
    if len(blocks) <= MAX_BLOCKS_PER_WINDOW:
        return [blocks]
    title = [blocks[0]]
    windows: list[list] = []
    current: list = []
    for block in blocks:
        starts_section = current and block.section != current[-1].section
        if len(current) >= MAX_BLOCKS_PER_WINDOW or (starts_section and len(current) > MAX_BLOCKS_PER_WINDOW // 2):
            windows.append(current)
            current = list(title)
        current.append(block)
    if current:
        windows.append(current)
    return windows
