"""The entry point: the parser every command group adds its subcommands to, and ``main``,
which turns a command's failure into one line on stderr and an exit code.

Exit codes: 0 ok; 1 bad input or a failed operation (one line per problem on stderr);
2 usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from trainer import __version__
from trainer.cli import (
    authoring,
    backup,
    cards,
    completion,
    decks,
    exporting,
    importing,
    scheduler,
    serve,
    stats,
    study,
    undo,
)
from trainer.cli.common import Handler
from trainer.errors import SettingsError, UserError
from trainer.render.words import echo

LINE = 300  # an error line's most characters: a 10 MB id is not echoed whole
# each adds its own subcommands (a `register(add)` function)
GROUPS = (authoring, backup, cards, completion, decks, exporting, importing, scheduler, serve,
          stats, study, undo)
# The order `trainer --help`, its "invalid choice" error and the completion scripts list the
# commands in, whichever group adds them; a command not named here comes last.
ORDER = (
    "import", "backup", "restore", "watch", "completion", "decks", "export", "schema", "stats",
    "export-reviews", "study", "quiz", "serve", "undo", "map", "lint", "deck", "browse", "cards",
    "card", "add", "suspend", "unsuspend", "reset", "optimize", "evaluate", "simulate",
)


def _db_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # On subparsers the default is SUPPRESS so that a --db given before the subcommand survives.
    parser.add_argument(
        "--db",
        metavar="URL",
        default=None if top else argparse.SUPPRESS,
        help="database: a SQLAlchemy URL or a SQLite file path "
        "(default: $TRAINER_DB, else trainer.db in the data dir)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every group's subcommands, each with ``--db``. Building it
    imports no database and no screen, so that ``--version`` and ``--help`` stay instant."""
    parser = argparse.ArgumentParser(
        prog="trainer",
        description="A terminal quiz and spaced-repetition trainer (SM-2).",
    )
    parser.add_argument("--version", action="version", version=f"trainer {__version__}")
    _db_option(parser, top=True)
    parser.add_argument("--exit-after-mount", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=study.run_tui)  # no command: the deck list
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _db_option(p, top=False)
        p.set_defaults(handler=handler)
        return p

    for group in GROUPS:
        group.register(add)
    _in_order(sub)
    parser.set_defaults(root_parser=parser)  # `trainer completion` writes from the parser
    return parser


def _in_order(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    def place(name: str) -> int:
        return ORDER.index(name) if name in ORDER else len(ORDER)

    parsers = sorted(sub._name_parser_map.items(), key=lambda item: place(item[0]))
    sub._name_parser_map.clear()
    sub._name_parser_map.update(parsers)
    sub._choices_actions.sort(key=lambda action: place(action.dest))


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``trainer`` with ``argv`` (the process's arguments by default); the exit code.
    A user's mistake or a broken database is one line on stderr, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from trainer import heap

    heap.settle()
    try:
        code: int = args.handler(args)
        return code
    except (UserError, SettingsError) as exc:
        lines = exc.lines if isinstance(exc, UserError) else str(exc).splitlines()
        for line in lines:
            print(f"trainer: {echo(line, LINE)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("trainer: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `trainer decks | head -1`: the reader has what it wanted. Point stdout at nothing
        # so that Python's final flush has no pipe to complain about.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        # A database that breaks mid-command (a damaged page, a full disk): one line, no
        # traceback. The transaction in progress was rolled back, so nothing half-done is kept.
        from trainer.store.errors import database_problem, is_damage, restore_hint

        detail = database_problem(exc)
        if detail is None:
            raise
        if is_damage(exc):
            detail = f"the database is damaged ({detail}); {restore_hint(None)}"
        print(f"trainer: database error: {echo(detail, LINE)}", file=sys.stderr)
        return 1
