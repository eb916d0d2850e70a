"""A parent's options and its decks': which applies where. A deck under a parent takes the
parent's options unless it sets its own (in trainer, config.toml or its deck file) or a deck
between them does; the scheduler and FSRS's settings are each deck's own."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.store.records import OPTIONS, DeckOptions

OWN = ("set in trainer", "config.toml", "deck file")
SCHEDULING = ("scheduler", "desired_retention", "maximum_interval")
SHOWN = (*OPTIONS, *SCHEDULING)  # in the order `trainer deck options` lists them


@dataclass(frozen=True, slots=True)
class OwnSetting:
    """An option a deck under the parent sets apart from it: what applies there."""

    deck: str  # the deck's name
    option: str
    value: object
    origin: str


def follows(parent: str, options: DeckOptions, deck: DeckOptions, option: str) -> bool:
    """Whether ``deck`` (under the parent named ``parent``) takes the parent's ``option``."""
    if option in SCHEDULING:  # never inherited: the same value is following
        return bool(getattr(deck, option) == getattr(options, option))
    where = options.origin[option]
    return deck.origin[option] == (f"from {parent}" if where in OWN else where)


def own_settings(parent: str, options: DeckOptions,
                 decks: list[tuple[str, DeckOptions]]) -> list[OwnSetting]:
    """What each deck under ``parent`` sets apart from the parent's ``options``, deck by
    deck in the order given."""
    return [OwnSetting(name, option, getattr(found, option), found.origin[option])
            for name, found in decks for option in SHOWN
            if not follows(parent, options, found, option)]


def shown_value(value: object) -> str:
    """An option's value as `trainer deck options` prints it."""
    return ("on" if value else "off") if isinstance(value, bool) else str(value)
