"""``python -m pipeline.store.migrations [--db URL] COMMAND ...``: Alembic's command line on
the store's migrations, without an ini file.

Without ``--db`` the commands run against a scratch SQLite store brought to the latest
revision first, which is what ``revision --autogenerate`` and ``check`` compare
``schema.metadata`` with. New revisions are numbered after the latest one (``0004``, ...)
unless ``--rev-id`` says otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from alembic.config import CommandLine

from pipeline.store.engine import create_store_engine
from pipeline.store.migrations import alembic_config, head_revision, migrate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db", metavar="URL", help="the store to run the command on (default: a scratch SQLite store)")
    ours, rest = parser.parse_known_args(argv)
    alembic = CommandLine(prog="python -m pipeline.store.migrations")
    options = alembic.parser.parse_args(rest)
    if not hasattr(options, "cmd"):
        alembic.parser.error("too few arguments")
    if options.cmd[0].__name__ == "revision" and not options.rev_id:
        options.rev_id = f"{int(head_revision()) + 1:04d}"
    with tempfile.TemporaryDirectory(prefix="partnerships-migrations-") as scratch:
        engine = create_store_engine(ours.db or f"sqlite:///{Path(scratch) / 'store.db'}")
        try:
            if ours.db is None:
                migrate(engine)
            with engine.begin() as connection:
                alembic.run_cmd(alembic_config(connection), options)
        finally:
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
