"""Deck file formats: pure parsers from bytes to parsed decks (no database, no screen)."""
