"""The extraction room: articles in, partnership records out.

- ``blocks``: an article's text as blocks (title, headings, paragraphs, list items) and sections;
- ``model``: the spaCy pipeline that ``models/config.cfg`` describes (base model + rule components);
- ``components/``: the rule components, one ``partnerships_*`` factory per module;
- ``dates``: French date and duration expressions resolved against the publication date;
- ``assemble``: from the candidates of an article's blocks to its records;
- ``extractor``: the batch driver (the model loaded once, one failed article reported, the rest go on);
- ``workers``: the same on several processes of this machine; ``cluster``: on a Dask cluster
  (optional extra ``distributed``); ``options``: their command-line options;
- ``bench``: extraction throughput against raw ``nlp.pipe``; ``build_gazetteers``: regenerates models/gazetteers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.extract.extractor import ArticleExtractor, ArticleResult, Extractor

__all__ = ["ArticleExtractor", "ArticleResult", "Extractor"]


def __getattr__(name: str) -> Any:
    """``from pipeline.extract import Extractor`` imports spaCy then, not when a light module of
    this package (``options``) is imported by a command that never extracts."""
    if name in __all__:
        from pipeline.extract import extractor

        return getattr(extractor, name)
    raise AttributeError(f"module 'pipeline.extract' has no attribute {name!r}")
