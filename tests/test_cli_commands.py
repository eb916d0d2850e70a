"""The command line as a whole: every command listed in its place, every option in the shell
completion, and the bundled decks refreshed by the commands that show decks, not by a backup."""

from __future__ import annotations

import argparse

import pytest

from tests.helpers import basic_deck
from trainer.cli import build_parser, main
from trainer.store import open_store


def commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_help_lists_every_command_in_its_place(capsys):
    """The groups add their commands in their own order; `trainer --help` keeps one order."""
    from trainer.cli.entry import ORDER

    parser = build_parser()
    assert list(commands(parser)) == list(ORDER)
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()
              if line.startswith("    ") and not line.startswith("     ")]
    assert listed == list(ORDER)


@pytest.mark.parametrize("shell", ["bash", "zsh"])  # tcsh's script names commands only
def test_the_completion_script_names_every_command_and_option(shell, capsys):
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    assert name in script
                    walk(child)
            for option in action.option_strings:
                if option.startswith("--") and action.help != argparse.SUPPRESS:
                    assert option in script, (parser.prog, option)

    walk(build_parser())


def test_a_backup_copies_the_database_as_it_is_and_loads_no_bundled_decks(
        tmp_path, monkeypatch, capsys):
    """After an upgrade of trainer, `trainer backup` saves the student's database as it was;
    the bundled decks come in with the next command that shows decks."""
    deck = tmp_path / "mine.toml"
    deck.write_bytes(basic_deck("mine", 2))
    assert main(["import", str(deck)]) == 0  # the bundled decks kept out (conftest)
    monkeypatch.delenv("TRAINER_BUNDLED_DECKS")
    copy = tmp_path / "copy.db"
    assert main(["backup", str(copy)]) == 0
    for url in (f"sqlite:///{copy}", None):
        store = open_store(url)
        assert [d.key for d in store.decks.summaries().decks] == ["mine"]
        store.close()
    capsys.readouterr()
    assert main(["decks", "--keys"]) == 0
    keys = capsys.readouterr().out.split()
    assert "mine" in keys and len(keys) > 1


def test_every_public_definition_of_the_cli_says_what_it_is_for():
    import ast
    from pathlib import Path

    import trainer.cli

    missing = []
    for path in sorted(Path(trainer.cli.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not ast.get_docstring(tree):
            missing.append(path.name)
        shown = [n for n in tree.body if not isinstance(n, ast.If)]
        shown += [n for n in tree.body if isinstance(n, ast.If) for n in n.body]  # TYPE_CHECKING
        for node in shown:
            if (isinstance(node, ast.FunctionDef | ast.ClassDef)
                    and not node.name.startswith("_") and not ast.get_docstring(node)):
                missing.append(f"{path.name}: {node.name}")
    assert missing == []
