"""Every path text comes in by, fuzzed: `trainer add` (flags and a snippet), the editor's
snippet, and searches. Whatever comes in, the answer is a result or one-line problems (a
UserError), never a traceback, and nothing beyond the limits is ever stored."""

from __future__ import annotations

import io
import itertools

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import basic_deck, import_bytes
from trainer.cli import main
from trainer.editing import read_snippet
from trainer.errors import UserError
from trainer.formats.limits import MAX_GAPS, MAX_TAG, MAX_TEXT
from trainer.query import QueryError, parse
from trainer.store import open_store
from trainer.store.errors import StoreError

ENTRIES = itertools.count()  # each example adds an entry of its own id
FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# text as hostile as it comes: controls, NUL, lone surrogates, markup, cloze gaps, and the
# sizes just past each limit
ANY_CHAR = st.characters(codec=None, categories=None)
HOSTILE = st.one_of(
    st.text(ANY_CHAR, max_size=30),
    st.sampled_from(["", " ", "\x00", "\udcff", "\x1b]52;c;aGk=\x07", "\x9b2J", "[b]x[/b]",
                     "{{c1::gap}}", "{{c1::", "{{c99999999999::x}}", "a\nb", "tag with space"]),
    st.integers(0, 3).map(lambda n: "x" * (MAX_TEXT - 1 + n)),
    st.integers(0, 2).map(lambda n: "t" * (MAX_TAG + n)),
    st.integers(MAX_GAPS - 1, MAX_GAPS + 2).map(
        lambda n: " ".join(f"{{{{c{i}::w{i}}}}}" for i in range(1, n + 1))),
)
VALUE = st.recursive(HOSTILE | st.integers() | st.booleans() | st.floats(allow_nan=False),
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                         st.sampled_from(["quote", "para", "x"]), inner, max_size=2),
                     max_leaves=6)
# mostly a card that could be stored, with one or two fields made hostile
PLAIN = st.text(st.characters(categories=["L", "N", "Zs", "P"]), min_size=1, max_size=20)
TEXT = st.one_of(PLAIN, PLAIN, HOSTILE)
COMMON = {
    "explanation": TEXT,
    "tags": st.lists(st.one_of(st.from_regex(r"[a-z:]{1,12}", fullmatch=True), HOSTILE),
                     max_size=3),
    "source": st.fixed_dictionaries({"quote": TEXT, "para": st.integers(-2, 10**7)}),
}
FIELDS = st.one_of(
    st.fixed_dictionaries({"kind": st.just("basic"), "prompt": TEXT, "answer": TEXT},
                          optional=COMMON),
    st.fixed_dictionaries({"kind": st.just("typed"), "prompt": TEXT, "answer": TEXT},
                          optional={"accept": st.lists(TEXT, max_size=3), **COMMON}),
    st.fixed_dictionaries({"kind": st.just("cloze"), "text": st.one_of(
        TEXT.map(lambda t: f"{t} {{{{c1::{t}}}}} {{{{c2::{t}}}}}"), HOSTILE)},
        optional=COMMON),
    st.fixed_dictionaries({"kind": st.just("choice"), "prompt": TEXT, "answer": TEXT,
                           "distractors": st.lists(TEXT, min_size=2, max_size=4)},
                          optional=COMMON),
    st.dictionaries(st.sampled_from(["kind", "prompt", "answer", "text", "x", "note"]), VALUE,
                    max_size=5),  # anything at all
)


def within_limits(store) -> None:
    """Every stored card holds what an import could hold."""
    from trainer.formats.cloze import cloze_numbers

    for deck in store.decks.summaries().decks:
        for card in store.cards.of_deck(store.decks.find(deck.key).id, retired=True):
            texts = [card.prompt, card.answer, card.cloze_text, card.explanation,
                     card.source_quote, *card.accept, *card.distractors]
            for text in texts:
                assert len(text) <= MAX_TEXT and "\x00" not in text
                text.encode("utf-8")  # no lone surrogate
            assert all(len(tag) <= MAX_TAG and tag.split() == [tag] for tag in card.tags)
            assert len(cloze_numbers(card.cloze_text)) <= MAX_GAPS


@pytest.fixture
def store(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'fuzz.db'}")
    import_bytes(store, basic_deck("d", 2))
    yield store
    store.close()


def snippet_of(fields: dict, entry: str) -> str | None:
    try:
        return tomli_w.dumps({"id": entry, **fields})
    except (TypeError, ValueError):  # a value TOML cannot hold: no snippet to type
        return None


# 40 examples: each writes and parses TOML with fields up to MAX_TEXT (100,000 characters) twice,
# and at 100 this one test was the suite's longest (6 min on a loaded machine, mostly tomllib);
# scripts/fuzz_import.py runs the imports at scale
@settings(FUZZ, max_examples=40)
@given(FIELDS, st.text(ANY_CHAR, max_size=200))
def test_the_editor_snippet_stores_only_what_an_import_could(store, fields, raw):
    deck = store.decks.find("d")
    for text in (snippet_of(fields, "fuzzed"), raw):
        if text is None:
            continue
        try:
            cards = read_snippet(text, deck)
            store.cards.add_entry(deck.id, cards)
        except UserError as exc:  # SnippetError and StoreError: one line a problem
            assert exc.lines and all(line and "\n" not in line for line in exc.lines)
        within_limits(store)
        before = store.cards.of_entry(deck.id, "d0")
        try:  # an edit of an existing entry, the same way
            cards = read_snippet(text.replace("fuzzed", "d0"), deck, keep_id="d0")
            store.cards.edit_entry(deck.id, "d0", cards)
        except UserError as exc:
            assert exc.lines
            assert store.cards.of_entry(deck.id, "d0") == before  # nothing half-done
        within_limits(store)


@settings(FUZZ, max_examples=50)  # a whole command each: the snippet test covers more
@given(FIELDS, st.booleans())
def test_trainer_add_stores_only_what_an_import_could(tmp_path, capsys, monkeypatch, fields,
                                                     by_flags):
    deck = tmp_path / "d.toml"
    if not deck.exists():
        deck.write_bytes(basic_deck("d", 2))
        assert main(["import", str(deck)]) == 0
    entry = f"fuzzed-{next(ENTRIES)}"
    argv = ["add", "d"]
    if by_flags:
        argv += ["--id", entry]
        for name in ("prompt", "answer", "text", "explanation"):
            value = fields.get(name)
            if isinstance(value, str) and not value.startswith("-"):
                argv += [f"--{name}", value]
        for name, flag in (("tags", "--tag"), ("accept", "--accept"),
                           ("distractors", "--distractor")):
            values = fields.get(name)
            for value in values if isinstance(values, list) else []:
                if isinstance(value, str) and not value.startswith("-"):
                    argv += [flag, value]
    else:
        text = snippet_of(fields, entry)
        if text is None:
            return
        monkeypatch.setattr("sys.stdin", io.StringIO(text))
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: a usage error, its own message
        code = exc.code
    _, err = capsys.readouterr()
    assert code in (0, 1, 2) and "Traceback" not in err
    if code == 1:
        assert err.startswith("trainer: ")
    with open_store() as store:
        within_limits(store)


QUERY_PARTS = st.sampled_from([
    "(", ")", "-", " ", " or ", "deck:", "tag:", "kind:", "is:", "prop:", "added:", "rated:",
    "ivl", "ease", "due", "lapses", "reviews", ">=", "<", "=", "!=", "1", "0", "-5", "2.5",
    "9" * 30, "9" * 5000, "²", "\"", "d*", "*", "::", "new", "due", "retired", "basic", "q1",
    "\x00", "\udcff", "\x1b[2J", ":7:", "(" * 150, "-" * 150, "(" * 400, "-" * 1200,
    "prop:due>=", "prop:ivl<", "prop:ease=", "rated:", "added:", "99999999999",
])
QUERIES = st.lists(QUERY_PARTS, max_size=12).map("".join) | st.text(ANY_CHAR, max_size=40)


@FUZZ
@given(QUERIES)
def test_any_search_is_a_result_or_one_line(store, query):
    try:
        node = parse(query)
    except QueryError as exc:
        assert "\n" not in str(exc)
        return
    try:
        store.search.cards(node, limit=50)
        store.search.ids(node)
    except StoreError as exc:
        assert exc.lines


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(QUERIES)
def test_any_search_in_the_cli_is_a_list_or_one_line(tmp_path, capsys, query):
    deck = tmp_path / "d.toml"
    if not deck.exists():
        deck.write_bytes(basic_deck("d", 2))
        assert main(["import", str(deck)]) == 0
    capsys.readouterr()
    code = main(["cards", "--", query])
    _, err = capsys.readouterr()
    assert code in (0, 1) and "Traceback" not in err
    if code == 1:
        assert len(err.splitlines()) == 1
