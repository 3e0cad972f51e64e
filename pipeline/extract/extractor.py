"""Extraction: articles in, partnership records out, the model loaded once and fed in batches.

Each article is cut into blocks (pipeline.extract.blocks), every block of a batch of articles goes
through one ``nlp.pipe`` call, and the article's records are assembled from its blocks
(pipeline.assemble). A failure on one article is reported on its result and the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.assembly import ANCHOR_STATUSES, ArticleView, Assembler, AssemblyLexicon
from pipeline.extract.blocks import split_blocks, normalise_text
from pipeline.extract.model import read_model_config, shared_nlp
from pipeline.records import Article, PartnershipRecord

log = logging.getLogger(__name__)

BATCH_SIZE = 32
ARTICLES_PER_CHUNK = 16
# An article longer than this is read in windows of whole sections, so memory stays bounded.
MAX_BLOCKS_PER_WINDOW = 400


@dataclass
class ArticleResult:
    article: Article
    records: list[PartnershipRecord] = field(default_factory=list)
    error: str | None = None


class Extractor:
    """Loads the pipeline once (or takes one) and extracts records from a stream of articles."""

    def __init__(self, nlp: Language | None = None, batch_size: int = BATCH_SIZE) -> None:
        self.nlp = nlp or shared_nlp()
        self.batch_size = batch_size
        config = read_model_config()
        assembly = config["assembly"]
        lexicon = AssemblyLexicon.from_files(assembly["lexicon_path"], assembly["party_kinds_path"])
        self.model_version = f"{config['model']['base']}-{self.nlp.meta.get('version', '')}+rules-{config['model']['version']}"
        # Components that only matter once a window reports an agreement: most news does not.
        screening = set(config["model"]["screening"])
        ours = [name for name in self.nlp.pipe_names if name in config.get("components", {})]
        self.enrichment = [name for name in ours if name not in screening]
        self.assembler = Assembler(self.model_version, lexicon)

    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleResult]:
        chunk: list[Article] = []
        for article in articles:
            chunk.append(article)
            if len(chunk) >= ARTICLES_PER_CHUNK:
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
        """Screen every block with the base model and the agreement finder in one ``nlp.pipe``;
        run the other rule components only on the windows that report an agreement."""
        windows = []  # (article index, normalised text, blocks)
        for index, article in enumerate(articles):
            text = normalise_text(article.text)
            for window in _windows(split_blocks(text, article.title)):
                windows.append((index, text, window))
        parsed = iter(self.nlp.pipe(self._block_docs(articles, windows), batch_size=self.batch_size, disable=self.enrichment))
        results = [ArticleResult(article) for article in articles]
        for index, text, blocks in windows:
            block_docs = [next(parsed) for _ in blocks]
            result = results[index]
            if result.error or not any(_reports_agreement(doc) for doc in block_docs):
                continue
            try:
                block_docs = [self._enrich(doc) for doc in block_docs]
                view = ArticleView(articles[index], text, blocks, block_docs)
                result.records.extend(self.assembler.assemble(view))
            except Exception as exc:  # one bad article must not stop the batch
                log.exception("extraction failed for %s", articles[index].url)
                result.error = f"{type(exc).__name__}: {exc}"
                result.records.clear()
        yield from results

    def _block_docs(self, articles: list[Article], windows: list) -> Iterator[Doc]:
        for index, _, blocks in windows:
            for block in blocks:
                doc = self.nlp.make_doc(block.text)
                doc._.published = articles[index].published
                yield doc

    def _enrich(self, doc: Doc) -> Doc:
        for name in self.enrichment:
            doc = self.nlp.get_pipe(name)(doc)
        return doc


def _reports_agreement(doc: Doc) -> bool:
    """A block that reports an agreement, or a twinning word (which may introduce a list of twin towns)."""
    return any(span._.agreement_status in ANCHOR_STATUSES or span.label_ == "twinning" for span in doc.spans.get("agreements", []))


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
