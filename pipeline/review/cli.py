"""``partnerships review [--db URL] [--host H] [--port P]``: serve the review page with uvicorn.

Wired into ``pipeline.cli`` as a subcommand (``add_review_arguments`` / ``run_review``).
Listening on anything but localhost needs the operator token in ``PARTNERSHIPS_REVIEW_TOKEN``
(exit status 2 without it, before anything listens).
"""

from __future__ import annotations

import argparse
import os
import sys

from pipeline.review.security import TOKEN_ENVIRONMENT_VARIABLE, TokenRequired, check_listening
from pipeline.store.engine import database_url

EXIT_OK = 0
EXIT_USAGE = 2
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def add_review_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="store URL: sqlite:///FILE or postgresql://… (default: $PARTNERSHIPS_DB, else sqlite:///partnerships.db)",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}; others need ${TOKEN_ENVIRONMENT_VARIABLE})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")


def run_review(args: argparse.Namespace) -> int:
    token = os.environ.get(TOKEN_ENVIRONMENT_VARIABLE) or None
    try:
        check_listening(args.host, token)
    except TokenRequired as error:
        print(f"partnerships review: {error}", file=sys.stderr)
        return EXIT_USAGE
    import uvicorn

    from pipeline.review.app import create_app
    from pipeline.store.repository import Store

    with Store(database_url(args.db)) as store:
        uvicorn.run(create_app(store, operator_token=token), host=args.host, port=args.port, log_level="info")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.review.cli", description="Serve the review page.")
    add_review_arguments(parser)
    return run_review(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
