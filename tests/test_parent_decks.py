"""Parent decks are decks: a deck argument names a parent ("Spanish" over "Spanish::Verbs"
and "Spanish::Nouns"), whether the parent is a deck of its own or only a name, and quiz,
statistics, the source map, lint and the scheduler commands take it, on every backend."""

from __future__ import annotations

import json

import pytest

from tests.helpers import Clock, import_bytes
from trainer.cli import main
from trainer.errors import UserError
from trainer.settings import Settings
from trainer.store import open_store
from trainer.store.errors import NotFound, StoreError


def cited_deck(key: str, name: str, n: int, para: int = 1, source: str = "The text") -> bytes:
    """A native deck of ``n`` basic cards, each citing paragraph ``para`` (and the next)."""
    lines = ["schema_version = 1", "", "[deck]", f'id = "{key}"', f'name = "{name}"',
             f'source = "{source}"']
    for i in range(n):
        lines += ["", "[[cards]]", f'id = "{key}{i}"', 'kind = "basic"',
                  f'prompt = "{key} q{i}"', f'answer = "{key} a{i}"',
                  f'source = {{ quote = "{key} quote {i}", para = {para + i % 2} }}']
    return "\n".join(lines).encode()


SPANISH = (("verbs", "Spanish::Verbs", 3), ("nouns", "Spanish::Nouns", 2),
           ("irregular", "Spanish::Verbs::Irregular", 1), ("french", "French", 4))


def spanish_store(url, **decks):
    store = open_store(url, settings=Settings(timezone="UTC"), clock=Clock())
    for key, name, n in SPANISH:
        import_bytes(store, cited_deck(key, name, n))
    return store


def test_a_deck_argument_names_a_parent_that_is_only_a_name(db_url):
    with spanish_store(db_url) as store:
        tree = store.decks.tree("Spanish")
        assert tree.deck is None and tree.name == "Spanish"
        assert [d.key for d in tree.decks] == ["nouns", "verbs", "irregular"]
        assert tree.label == "Spanish (3 decks)"
        assert store.decks.tree("spanish").name == "Spanish"  # another case finds it
        verbs = store.decks.tree("Spanish::Verbs")  # a deck with a subdeck
        assert verbs.deck is not None and verbs.deck.key == "verbs"
        assert [d.key for d in verbs.decks] == ["verbs", "irregular"]
        assert store.decks.tree("french").label == "French [french]"
        with pytest.raises(NotFound, match="no deck with key or name 'Spanish::'"):
            store.decks.tree("Spanish::")
        with pytest.raises(NotFound, match="no deck with key or name 'German'"):
            store.decks.tree("German")


def test_an_exact_name_wins_over_another_case(db_url):
    """A deck "spanish" beside the parent "Spanish" (what `import DIR` once made): each
    exact name finds its own; a third case is ambiguous, said in one line."""
    with spanish_store(db_url) as store:
        import_bytes(store, cited_deck("lower", "spanish", 1))
        assert store.decks.tree("Spanish").deck is None
        found = store.decks.tree("spanish").deck
        assert found is not None and found.key == "lower"
        with pytest.raises(StoreError, match=r"ambiguous.*lower, 'Spanish'"):
            store.decks.tree("SPANISH")


def test_a_parent_deck_holds_its_subdecks(db_url):
    """A parent that is a deck of its own (with cards or not) is found with its subdecks."""
    with spanish_store(db_url) as store:
        store.decks.create("spanish", "Spanish")
        tree = store.decks.tree("Spanish")
        assert tree.deck is not None and tree.deck.key == "spanish"
        assert [d.key for d in tree.decks] == ["spanish", "nouns", "verbs", "irregular"]
        assert store.decks.tree("spanish").deck == tree.deck  # the key


def test_quiz_statistics_and_source_map_of_a_parent(db_url):
    from trainer.sessions import QuizSession
    from trainer.stats import compute
    from trainer.stats.source_map import source_map

    with spanish_store(db_url) as store:
        tree = store.decks.tree("Spanish")
        quiz = QuizSession(store, tree, n=50, seed=1)
        assert quiz.total == 6  # its three decks' cards, none of French's
        ids = {c.id for d in tree.decks for c in store.cards.of_deck(d.id)}
        assert set(quiz.card_ids) == ids
        figures = compute(store, tree, period="all")
        assert figures["counts"]["total"] == 6
        assert figures["scope"]["deck"] == "Spanish"
        assert [d["key"] for d in figures["decks"]] == ["nouns", "verbs", "irregular"]
        verbs = compute(store, store.decks.tree("verbs"), period="all")
        assert verbs["counts"]["total"] == 4 and verbs["scope"]["deck"] == "verbs"
        paragraphs = source_map(store, tree)
        assert [(p["para"], p["cards"]) for p in paragraphs] == [(1, 4), (2, 2)]


def test_the_map_of_decks_quoting_different_sources_is_refused(db_url):
    with spanish_store(db_url) as store:
        import_bytes(store, cited_deck("poems", "Spanish::Poems", 1, source="Another text"))
        from trainer.stats.source_map import source_map

        with pytest.raises(UserError, match="quote different sources"):
            source_map(store, store.decks.tree("Spanish"))


# -- the command line ---------------------------------------------------------------------

@pytest.fixture
def cli_decks(tmp_path, capsys):
    for key, name, n in SPANISH:
        path = tmp_path / f"{key}.toml"
        path.write_bytes(cited_deck(key, name, n))
        assert main(["import", str(path)]) == 0
    capsys.readouterr()
    return tmp_path


def out(capsys) -> str:
    return capsys.readouterr().out


def test_stats_map_and_lint_take_a_parent(cli_decks, capsys):
    assert main(["stats", "--deck", "Spanish", "--json"]) == 0
    figures = json.loads(out(capsys))
    assert figures["counts"]["total"] == 6 and figures["scope"]["deck"] == "Spanish"
    assert main(["map", "spanish", "--json"]) == 0
    assert [p["cards"] for p in json.loads(out(capsys))] == [4, 2]
    assert main(["map", "Spanish"]) == 0
    assert out(capsys).startswith("Spanish (3 decks)\n6 cards cite 2 paragraphs")
    assert main(["lint", "Spanish"]) == 0
    assert out(capsys).splitlines()[-1].startswith("3 decks:")


def test_study_and_quiz_open_on_a_parent(cli_decks, capsys, monkeypatch):
    from trainer.sessions.target import ParentName
    from trainer.tui.app import TrainerApp

    opened = []
    monkeypatch.setenv("TRAINER_FORCE_TUI", "1")
    monkeypatch.setattr(TrainerApp, "run", lambda self: opened.append(
        (self.start, self.target)))
    assert main(["study", "Spanish"]) == 0
    assert main(["quiz", "spanish", "-n", "3"]) == 0
    assert opened == [("study", ParentName("Spanish")), ("quiz", ParentName("Spanish"))]


def test_the_scheduler_commands_take_a_parent(cli_decks, capsys):
    assert main(["simulate", "Spanish", "--days", "2", "--json"]) == 0
    assert json.loads(out(capsys))["cards"] == 6
    assert main(["evaluate", "Spanish"]) == 1  # too few reviews: said as such
    assert "no deck" not in capsys.readouterr().err


def test_export_of_a_parent_names_its_decks(cli_decks, capsys):
    assert main(["export", "Spanish"]) == 1
    err = capsys.readouterr().err
    assert "'Spanish' is a parent, not a deck: name one of its decks" in err
    assert "Spanish::Verbs::Irregular" in err
    assert err.count("\n") == 1


# -- renaming and deleting a parent -----------------------------------------------------------

def names(store) -> list[str]:
    return sorted(n for _, n in store.decks.names())


def test_renaming_a_parent_renames_the_decks_under_it_and_undo_takes_it_back(db_url):
    with spanish_store(db_url) as store:
        before = names(store)
        assert store.decks.rename_parent("Spanish", "Castellano") == 3
        assert names(store) == ["Castellano::Nouns", "Castellano::Verbs",
                                "Castellano::Verbs::Irregular", "French"]
        assert store.decks.find("verbs").name == "Castellano::Verbs"  # keys unchanged
        undone = store.undo.last()
        assert undone is not None and "renaming 'Spanish' to 'Castellano' (3 decks)" in \
            undone.label
        assert names(store) == before
        # a deck with a subdeck: the subdeck follows its name
        verbs = store.decks.find("verbs")
        store.decks.rename(verbs.id, name="Spanish::Verbos", key="verbos")
        assert names(store)[2:4] == ["Spanish::Verbos", "Spanish::Verbos::Irregular"]
        store.undo.last()
        assert names(store) == before and store.decks.find("verbs").name == "Spanish::Verbs"


def test_a_rename_onto_another_decks_name_is_refused_and_changes_nothing(db_url):
    with spanish_store(db_url) as store:
        import_bytes(store, cited_deck("fnouns", "French::Nouns", 1))
        before = names(store)
        with pytest.raises(StoreError, match="a deck named 'French::Nouns' is already there"):
            store.decks.rename_parent("Spanish", "French")
        with pytest.raises(StoreError, match="a deck named 'French' is already there"):
            store.decks.rename(store.decks.find("nouns").id, name="French")
        assert names(store) == before
        with pytest.raises(NotFound):
            store.decks.rename_parent("German", "Deutsch")


def test_deleting_a_parent_deletes_every_deck_under_it_in_one_undoable_action(db_url):
    with spanish_store(db_url) as store:
        tree = store.decks.tree("Spanish")
        retired = store.decks.delete_many(tree.ids, tree.name)
        assert len(retired) == 6
        assert names(store) == ["French"]
        assert store.cards.in_play(None) == store.cards.in_play(
            [store.decks.find("french").id])
        undone = store.undo.last()
        assert undone is not None and "'Spanish' (3 decks, 6 cards)" in undone.label
        assert len(names(store)) == 4 and len(store.cards.in_play(None)) == 10


# -- a parent's options: the default of its subdecks ------------------------------------------

def test_a_parents_options_are_its_subdecks_unless_they_set_their_own(db_url):
    with spanish_store(db_url) as store:
        tree = store.decks.tree("Spanish")
        assert store.options.of_tree(tree).origin["new_per_day"] == "default"
        parent = store.decks.parent_deck("Spanish")  # the name becomes a deck to hold them
        assert (parent.key, parent.name) == ("spanish", "Spanish")
        assert store.decks.parent_deck("spanish") == parent  # made once
        store.options.set(parent.id, new_per_day=2, leech_lapses=3)
        verbs, nouns, irregular = (store.decks.find(k) for k in ("verbs", "nouns", "irregular"))
        store.options.set(verbs.id, new_per_day=1)
        found = store.options.of_decks([verbs.id, nouns.id, irregular.id])
        assert [(o.new_per_day, o.origin["new_per_day"]) for o in found.values()] == [
            (1, "set in trainer"), (2, "from Spanish"), (1, "from Spanish::Verbs")]
        assert {o.leech_lapses for o in found.values()} == {3}
        assert {o.origin["leech_lapses"] for o in found.values()} == {"from Spanish"}
        # the day's plan follows them: 1 + 2 + 1 new cards (each deck its own limit)
        summaries = {d.key: d.new for d in store.decks.summaries().decks}
        assert (summaries["verbs"], summaries["nouns"], summaries["irregular"]) == (1, 2, 1)
        assert summaries["french"] == 4  # not under it
        assert store.decks.tree("Spanish").deck == parent


def test_a_grade_takes_the_leech_rule_its_parent_sets(db_url):
    with spanish_store(db_url) as store:
        parent = store.decks.parent_deck("Spanish")
        store.options.set(parent.id, leech_lapses=1, leech_action="suspend")
        card = store.cards.of_deck(store.decks.find("nouns").id)[0]
        store.reviews.record(card.id, 5)
        store.reviews.record(card.id, 1)  # a lapse: a leech at 1
        assert store.cards.state(card.id).suspended


# -- switching the scheduler: said before it is done -----------------------------------------

def studied_store(db_url):
    import random

    clock = Clock()
    store = open_store(db_url, settings=Settings(timezone="UTC"), clock=clock)
    for key, name, n in SPANISH:
        import_bytes(store, cited_deck(key, name, n))
    rng = random.Random(5)
    ids = store.cards.in_play(None)
    for _ in range(60):
        store.reviews.record(rng.choice(ids), rng.choice([1, 3, 4, 5]))
        clock.advance(days=rng.randint(1, 6))
    return store


def test_a_switch_is_previewed_without_writing_and_does_what_it_said(db_url):
    with studied_store(db_url) as store:
        tree = store.decks.tree("Spanish")
        ids = [c.id for d in tree.decks for c in store.cards.of_deck(d.id)]
        states = [store.cards.state(c) for c in ids]
        log = store.reviews.count(ids)
        preview = store.options.preview_switch(tree.ids, "fsrs")
        assert [store.cards.state(c) for c in ids] == states and store.reviews.count(ids) == log
        assert preview.decks == ("Spanish::Nouns", "Spanish::Verbs",
                                 "Spanish::Verbs::Irregular")
        studied = sum(s.reviews > 0 for s in states)
        assert preview.studied == studied and preview.changed == studied
        today = store.today()
        assert preview.rescheduled > 0
        done = store.options.switch_scheduler(tree.ids, "fsrs")
        assert done == preview
        after = [store.cards.state(c) for c in ids]
        assert done.rescheduled == sum(a.due != b.due for a, b in zip(states, after,
                                                                        strict=True))
        assert done.due_today == sum(
            a.due is not None and a.due <= today and not (b.due is not None and b.due <= today)
            for a, b in zip(after, states, strict=True))
        assert {store.options.of(d).scheduler for d in tree.ids} == {"fsrs"}
        assert store.options.of(store.decks.find("french").id).scheduler == "sm2"
        assert store.options.preview_switch(tree.ids, "fsrs").decks == ()


def test_a_switch_can_keep_every_due_date(db_url):
    with studied_store(db_url) as store:
        verbs = store.decks.find("verbs")
        ids = [c.id for c in store.cards.of_deck(verbs.id)]
        states = [store.cards.state(c) for c in ids]
        preview = store.options.preview_switch(verbs.id, "fsrs", keep_due=True)
        assert (preview.rescheduled, preview.due_today, preview.keep_due) == (0, 0, True)
        store.options.switch_scheduler(verbs.id, "fsrs", keep_due=True)
        after = [store.cards.state(c) for c in ids]
        assert [(s.due, s.interval) for s in after] == [(s.due, s.interval) for s in states]
        assert all(s.stability is not None for s in after if s.reviews)
        back = store.options.switch_scheduler(verbs.id, "sm2", keep_due=True)
        assert back.rescheduled == 0
        assert [(s.due, s.interval) for s in (store.cards.state(c) for c in ids)] == [
            (s.due, s.interval) for s in states]
        from trainer.store.replay import rebuild_states

        assert rebuild_states(store) == 0  # the log holds what was kept


# -- `trainer deck` on a parent ---------------------------------------------------------------

def test_deck_options_of_a_parent_say_which_applies(cli_decks, capsys):
    assert main(["deck", "options", "Spanish"]) == 0
    shown = out(capsys)
    assert shown.startswith("Spanish (3 decks): a parent that is only a name; its decks take "
                            "its options unless they set their own\n")
    assert "  new_per_day            20         (default)\n" in shown
    # set: the name becomes a deck of its own, which keeps them
    assert main(["deck", "options", "Spanish", "--new-per-day", "2"]) == 0
    shown = out(capsys)
    assert "Spanish is now a deck of its own [spanish], with no cards: it keeps the options " \
        "its decks take" in shown
    assert "  new_per_day            2          (set in trainer)\n" in shown
    assert main(["deck", "options", "verbs", "--new-per-day", "1"]) == 0
    capsys.readouterr()
    assert main(["deck", "options", "nouns"]) == 0
    assert "  new_per_day            2          (from Spanish)\n" in out(capsys)
    assert main(["deck", "options", "Spanish"]) == 0
    shown = out(capsys)
    assert shown.startswith("Spanish [spanish]: its 3 decks take its options unless they set "
                            "their own\n")
    assert shown.endswith("Set by a deck under it, which applies there:\n"
                          "  Spanish::Verbs: new_per_day 1 (set in trainer)\n"
                          "  Spanish::Verbs::Irregular: new_per_day 1 (from Spanish::Verbs)\n")


def test_deck_rename_delete_and_more_take_a_parent(cli_decks, capsys):
    assert main(["deck", "rename", "Spanish", "--name", "Castellano"]) == 0
    assert out(capsys) == "renamed Spanish to Castellano: 3 decks under it\n"
    assert main(["deck", "rename", "Castellano", "--key", "castellano"]) == 1
    assert "a parent that is only a name: it has no key" in capsys.readouterr().err
    assert main(["deck", "more", "Castellano", "--new", "2"]) == 0
    assert out(capsys).startswith("Castellano (3 decks): today 2 more new cards and 0 more "
                                  "reviews than its limits, in each of its 3 decks")
    assert main(["deck", "delete", "castellano"]) == 1  # not on a terminal: asks for --yes
    assert "retire the 6 cards of Castellano (3 decks)" in capsys.readouterr().err
    assert main(["deck", "delete", "castellano", "--yes"]) == 0
    assert "deleted Castellano (3 decks): 6 cards retired" in out(capsys)
    assert main(["decks", "--json"]) == 0
    assert [d["key"] for d in json.loads(out(capsys))] == ["french"]
    assert main(["deck", "undelete", "Castellano"]) == 0
    assert out(capsys) == "Castellano (3 decks) is back: 6 cards back\n"
    assert main(["decks", "--json"]) == 0
    assert len(json.loads(out(capsys))) == 4


def test_switching_the_scheduler_asks_first_and_can_keep_the_due_dates(cli_decks, capsys):
    assert main(["deck", "options", "Spanish", "--scheduler", "fsrs"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("trainer: this would switch Spanish::Nouns, Spanish::Verbs, "
                          "Spanish::Verbs::Irregular to FSRS:")
    assert "add --yes" in err
    assert main(["deck", "options", "verbs"]) == 0
    assert "scheduler              sm2" in out(capsys)  # nothing switched
    assert main(["deck", "options", "Spanish", "--scheduler", "fsrs", "--yes",
                 "--keep-due-dates"]) == 0
    shown = out(capsys)
    assert "now scheduled by FSRS: Spanish::Nouns, Spanish::Verbs, Spanish::Verbs::Irregular" \
        in shown
    assert "due dates kept" in shown
    assert main(["deck", "options", "irregular"]) == 0
    assert "scheduler              fsrs" in out(capsys)


def test_a_parents_switch_leaves_the_decks_already_on_it_alone(db_url):
    """Spanish::Verbs (with its subdeck) on FSRS, its due dates kept; switching Spanish to
    FSRS switches Spanish::Nouns alone, and Spanish::Verbs's cards keep their dates."""
    with studied_store(db_url) as store:
        verbs = store.decks.tree("verbs")
        store.options.switch_scheduler(verbs.ids, "fsrs", keep_due=True)
        kept = {c.id: store.cards.state(c.id) for d in verbs.decks
                for c in store.cards.of_deck(d.id)}
        nouns = [c.id for c in store.cards.of_deck(store.decks.find("nouns").id)]
        studied = sum(store.cards.state(c).reviews > 0 for c in nouns)
        spanish = store.decks.tree("Spanish")
        preview = store.options.preview_switch(spanish.ids, "fsrs")
        assert (preview.decks, preview.studied) == (("Spanish::Nouns",), studied)
        assert store.options.switch_scheduler(spanish.ids, "fsrs") == preview
        assert {c: store.cards.state(c) for c in kept} == kept
