"""The command palette's own commands (ctrl+p): study, quiz, browse, the source map and the
options of each deck, statistics and import, each with its key in the deck list."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from trainer.render.words import visible
from trainer.sessions.target import AllDecks, OneDeck, ParentName
from trainer.store.records import SEP
from trainer.tui.literal import highlighted
from trainer.tui.navigation import TrainerNavigation


class TrainerCommands(Provider):
    """The palette's commands: study, quiz, browse, the source map and options of every deck
    by name, statistics and import."""

    @property
    def trainer(self) -> TrainerNavigation:
        """The app, as the palette's commands use it."""
        return cast(TrainerNavigation, self.app)

    async def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.trainer
        overview = await asyncio.to_thread(app.store.decks.summaries)
        out: list[tuple[str, Callable[[], object], str]] = [
            ("Study everything due", partial(app.start_study, AllDecks()), "a in the deck list"),
            ("Quiz on every deck", partial(app.start_quiz, AllDecks()), "q on All decks"),
            ("Browse every card", partial(app.open_browser, ""), "b on All decks"),
            ("Statistics", app.open_stats, "s in the deck list"),
            ("Import a deck file", app.open_import, "i in the deck list"),
        ]
        for deck in overview.decks:
            name = deck.name
            out += [
                (f"Study {name}", partial(app.start_study, OneDeck(deck.key)), "enter on the deck"),
                (f"Quiz on {name}", partial(app.start_quiz, OneDeck(deck.key)),
                 "q on the deck"),
                (f"Browse {name}", partial(app.open_browser, f"deck:{deck.key}"),
                 "b on the deck"),
                (f"Source map of {name}", partial(app.open_map_of, deck.key), "m on the deck"),
                (f"Options of {name}", partial(app.open_options_of, deck.key), "o on the deck"),
            ]
        # a parent that is only a name: what its row does in the deck list
        names = [d.name for d in overview.decks]
        parents = sorted({SEP.join(n.split(SEP)[:i]) for n in names
                          for i in range(1, len(n.split(SEP)))} - set(names), key=str.casefold)
        for name in parents:
            parent = ParentName(name)
            out += [
                (f"Study {name}", partial(app.start_study, parent), "enter on the parent"),
                (f"Quiz on {name}", partial(app.start_quiz, parent), "q on the parent"),
                (f"Browse {name}", partial(app.open_browser, parent.search), "b on the parent"),
                (f"Statistics of {name}", partial(app.open_stats, parent), "s on the parent"),
            ]
        return out

    async def discover(self) -> Hits:
        """The first commands, shown before anything is typed."""
        for text, command, help_text in (await self._commands())[:5]:
            yield DiscoveryHit(highlighted(self.matcher(""), text), command, text, help_text)

    async def search(self, query: str) -> Hits:
        """The commands matching what is typed, each deck's name shown literally."""
        matcher = self.matcher(query)
        for text, command, help_text in await self._commands():
            score = matcher.match(visible(text))
            if score > 0:
                yield Hit(score, highlighted(matcher, text), command, text, help_text)
