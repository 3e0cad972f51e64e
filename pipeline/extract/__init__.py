"""The extraction room: articles in, partnership records out.

- ``blocks``: an article's text as blocks (title, headings, paragraphs, list items) and sections;
- ``model``: the spaCy pipeline that ``models/config.cfg`` describes (base model + rule components);
- ``components/``: the rule components, one ``partnerships_*`` factory per module;
- ``dates``: French date and duration expressions resolved against the publication date;
- ``assemble``: from the candidates of an article's blocks to its records;
- ``extractor``: the batch driver (the model loaded once, one failed article reported, the rest go on);
- ``bench``: extraction throughput against raw ``nlp.pipe``; ``build_gazetteers``: regenerates models/gazetteers.
"""

from pipeline.extract.extractor import ArticleResult, Extractor

__all__ = ["ArticleResult", "Extractor"]
