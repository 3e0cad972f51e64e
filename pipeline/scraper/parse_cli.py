"""The ``parse`` command: what the scraper makes of saved pages, without the NLP model.

``partnerships parse PAGE.html… [--profile NAME] [--url URL] [--title-selector CSS]…`` prints
one Article JSON line per page (title, published, text), so that a user can see, before
adding a source, what a profile and selectors give on its pages. A page that is not an
article is reported on stderr with the reason; the others are still printed (exit 1).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pipeline.scraper.errors import NotAnArticle
from pipeline.scraper.fetch import decode_body
from pipeline.scraper.profiles import PROFILES, profile_for

log = logging.getLogger(__name__)


def add_parse_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pages", nargs="+", type=Path, metavar="PAGE.html", help="saved pages (any charset)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="generic", help="site profile (default: %(default)s)")
    parser.add_argument("--url", help="the page's URL, for a single page (default: its file:// address)")
    parser.add_argument("--source", default=None, help="source id written in the articles")
    parser.add_argument("--title-selector", metavar="CSS", help="CSS selector of the title, tried before the profile's")
    parser.add_argument("--date-selector", metavar="CSS", help="CSS selector of the date, tried before the profile's")
    parser.add_argument("--body-selector", metavar="CSS", help="CSS selector list of the main text, tried before the profile's")
    parser.add_argument("-o", "--output", type=Path, default=None, help="write the articles here (default: stdout)")


def run_parse(args: argparse.Namespace) -> int:
    if args.url and len(args.pages) > 1:
        print("partnerships parse: --url names one page; give one page with it", file=sys.stderr)
        return 2
    profile = profile_for(
        args.profile, title_selector=args.title_selector, date_selector=args.date_selector, body_selector=args.body_selector
    )
    failures = 0
    out = sys.stdout if args.output is None else args.output.open("w", encoding="utf-8")
    try:
        for page in args.pages:
            try:
                html, _, _ = decode_body(page.read_bytes(), None)
                article = profile.parse(html, args.url or page.resolve().as_uri(), args.source)
            except OSError as error:
                log.error("%s: cannot read: %s", page, error.strerror or error)
                failures += 1
                continue
            except NotAnArticle as error:
                log.error("%s: not an article: %s", page, error.reason)
                failures += 1
                continue
            out.write(article.model_dump_json() + "\n")
            out.flush()
    finally:
        if out is not sys.stdout:
            out.close()
    return 1 if failures else 0
