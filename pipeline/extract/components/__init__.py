"""Rule components of the extraction pipeline, registered as spaCy factories named ``partnerships_*``.

Conventions shared by every component:
- each module registers one factory with a typed config and declares ``requires``/``assigns``;
- its data (patterns, gazetteers, lexicons) is a file under ``models/`` whose path arrives
  through the config built by :func:`pipeline.extract.model.load_nlp`, never from ``__file__``;
- it writes spans to ``doc.spans[<key>]``: ``span.label_`` is the category, ``span.id_`` the
  id of the rule that matched, structured values sit in ``Span._`` extensions it registers;
- a Doc is one block of an article (a heading, a paragraph or a list item); ``Doc._.published``
  is the article's publication date, set before the pipeline runs.
"""

from spacy.tokens import Doc

if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)

from pipeline.extract.components import actors, agreements, dates, durations, parties, people, places, sentence_bounds, themes  # noqa: E402,F401  (registers the factories)
