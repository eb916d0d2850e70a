"""The store's operations, grouped by what they act on: ``store.decks``, ``store.options``,
``store.cards``, ``store.search``, ``store.queue``, ``store.reviews``, ``store.undo``,
``store.scheduling``, ``store.meta`` and ``store.stats``.

Each operation is a concern module's function ``f(store, ...)`` bound to one store, named in
its line below: ``store.decks.find(ref)`` is ``trainer.store.decks.find_deck(store, ref)``.
Only what the program uses is here; the tests and the bench call the module functions
themselves for the rest (the day's raw queue, a replay of the whole log, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Concatenate, Generic, ParamSpec, TypeVar, overload

from trainer.store import (
    bulk,
    cards,
    decks,
    edits,
    flags,
    history,
    imports,
    log,
    marks,
    meta,
    options,
    queue,
    reviews,
    scheduling,
    search,
    sources,
    stats_sql,
    switch,
    undo,
)
from trainer.store.context import StoreContext

P = ParamSpec("P")
R = TypeVar("R")


class Part:
    """One group of a store's operations, bound to the store."""

    def __init__(self, store: StoreContext) -> None:
        self.store = store


class Operation(Generic[P, R]):
    """A concern module's ``function(store, ...)`` offered as ``part.name(...)``, typed as the
    function is without its first parameter."""

    def __init__(self, function: Callable[Concatenate[StoreContext, P], R]) -> None:
        self.function = function
        self.__doc__ = function.__doc__

    @overload
    def __get__(self, part: None, owner: type[Part]) -> Operation[P, R]: ...

    @overload
    def __get__(self, part: Part, owner: type[Part]) -> Callable[P, R]: ...

    def __get__(self, part: Part | None,
                owner: type[Part]) -> Operation[P, R] | Callable[P, R]:
        if part is None:
            return self
        return partial(self.function, part.store)


class Decks(Part):
    """The decks: find one, list, create, rename, delete and bring back; the deck list's
    counts; an import's writing of parsed decks."""

    find = Operation(decks.find_deck)
    tree = Operation(decks.find_tree)
    parent_deck = Operation(decks.parent_deck)
    get = Operation(decks.deck)
    names = Operation(decks.deck_names)
    create = Operation(decks.create_deck)
    rename = Operation(edits.rename_deck)
    rename_parent = Operation(edits.rename_parent)
    delete = Operation(edits.delete_deck)
    delete_many = Operation(edits.delete_decks)
    undelete = Operation(edits.undelete_deck)
    summaries = Operation(queue.deck_summaries)
    write = Operation(imports.write_decks)


class Options(Part):
    """A deck's options: as they apply (a parent's the default of its subdecks), set in the
    app, today's "study more", its scheduler switched (said first by a preview)."""

    of = Operation(options.deck_options)
    of_decks = Operation(options.decks_options)
    of_tree = Operation(options.tree_options)
    set = Operation(options.set_deck_options)
    study_more = Operation(options.study_more)
    switch_scheduler = Operation(switch.switch_scheduler)
    preview_switch = Operation(switch.preview_switch)
    set_fitted_params = Operation(options.set_fitted_params)


class Cards(Part):
    """The cards: one, with its state, its history; a deck's or a note's; added, edited,
    suspended, buried; changed, retired, moved or tagged many at once; flagged, marked and
    retagged."""

    get = Operation(cards.card)
    by_key = Operation(cards.card_by_key)
    showing = Operation(cards.showing)
    showing_many = Operation(cards.showing_many)
    state = Operation(log.state)
    is_retired = Operation(cards.is_retired)
    history = Operation(cards.card_history)
    of_deck = Operation(cards.deck_cards)
    of_entry = Operation(edits.entry_cards)
    in_play = Operation(queue.card_ids)
    deck_states = Operation(log.deck_states)
    deck_history = Operation(cards.deck_history)
    cited = Operation(sources.cited_cards)
    tags = Operation(decks.tags)
    add_entry = Operation(edits.add_entry)
    edit_entry = Operation(edits.edit_entry)
    suspend = Operation(flags.suspend)
    bury_until_tomorrow = Operation(flags.bury_until_tomorrow)
    change_many = Operation(bulk.change_many)
    retire_many = Operation(bulk.retire_many)
    move_many = Operation(bulk.move_many)
    tag_many = Operation(bulk.tag_many)
    flag = Operation(marks.flag)
    mark = Operation(marks.mark)
    set_tags = Operation(marks.set_tags)


class Search(Part):
    """Cards matching a parsed query (trainer.query): a sorted page of them, or every id."""

    cards = Operation(search.search)
    ids = Operation(search.search_ids)


class Queue(Part):
    """Today's plan for a session: what each deck studies, the notes of its cards, and when
    reviews are next due."""

    plan = Operation(queue.plan)
    planned = Operation(queue.planned)
    siblings = Operation(queue.siblings)
    next_due = Operation(queue.next_due)


class Reviews(Part):
    """The review log: an answer recorded (committed before the next card shows), counted,
    and the whole log for export."""

    record = Operation(reviews.record_review)
    answer_count = Operation(cards.answer_count)
    count = Operation(cards.review_count)
    log = Operation(cards.review_log)


class Undo(Part):
    """Taking back the newest action: of any session, or the newest log action of one, or
    one journaled action by its entry."""

    last = Operation(undo.undo_last)
    last_review = Operation(undo.undo_last_review)
    entry = Operation(undo.undo_entry)


class Scheduling(Part):
    """FSRS's parameters and what fitting and simulating read: the histories, the answer
    times, each card under both schedulers."""

    deck_params = Operation(scheduling.params_of_deck)
    param_set = Operation(scheduling.stored_param_set)
    keep_fitted = Operation(scheduling.store_fitted)
    memory_histories = Operation(history.memory_histories)
    answer_seconds = Operation(history.answer_seconds)
    both_schedules = Operation(switch.both_schedules)


class Meta(Part):
    """Small facts about the database itself (which bundled decks it has loaded)."""

    get = Operation(meta.get)
    put = Operation(meta.put)


class Stats(Part):
    """The statistics' queries, on one read snapshot."""

    queries = Operation(stats_sql.queries)
