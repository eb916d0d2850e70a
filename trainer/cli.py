"""The ``trainer`` command. Every subcommand accepts ``--db`` before or after its name.

Exit codes: 0 ok; 1 bad input or a failed operation (one line per problem on stderr);
2 usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from trainer import __version__
from trainer.errors import SettingsError, UserError
from trainer.render.words import echo

Handler = Callable[[argparse.Namespace], int]
LINE = 300  # an error line's most characters: a 10 MB id is not echoed whole


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
    parser = argparse.ArgumentParser(
        prog="trainer",
        description="A terminal quiz and spaced-repetition trainer (SM-2).",
    )
    parser.add_argument("--version", action="version", version=f"trainer {__version__}")
    _db_option(parser, top=True)
    parser.add_argument("--exit-after-mount", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=_run_tui)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _db_option(p, top=False)
        p.set_defaults(handler=handler)
        return p

    from trainer import card_commands, commands, scheduler_commands

    commands.register(add)
    card_commands.register(add)
    scheduler_commands.register(add)
    parser.set_defaults(root_parser=parser)  # `trainer completion` writes from the parser
    return parser


def _run_tui(args: argparse.Namespace) -> int:
    from trainer import commands

    return commands.run_tui(args)


def main(argv: Sequence[str] | None = None) -> int:
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


if __name__ == "__main__":
    raise SystemExit(main())
