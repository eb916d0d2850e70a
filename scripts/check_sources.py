#!/usr/bin/env python3
"""Check deck sources against the article.

    scripts/check_sources.py ARTICLE DECK...

Every card's ``source.quote`` must occur in the article paragraph it names (paragraph = the
1-based index of a non-empty line), after normalising curly quotes, dashes and white space, and
be at most 25 words. Prints each failure, then the article's paragraphs of substance that no
card cites. Exits 1 if any quote fails, or (with --require-all) any such paragraph is uncited.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trainer.formats.errors import DeckError
from trainer.formats.native import parse_native
from trainer.lint import is_substance, paragraphs, plain_quote

MAX_QUOTE_WORDS = 25


def check(article_path: Path, deck_paths: list[Path]) -> tuple[list[str], list[int], int]:
    paras = paragraphs(article_path.read_text(encoding="utf-8"))
    problems: list[str] = []
    cited: set[int] = set()
    quotes = 0
    for path in deck_paths:
        try:
            deck = parse_native(path.read_bytes(), str(path))
        except DeckError as exc:
            problems += exc.lines
            continue
        for card in deck.cards:
            if card.cloze_number not in (None, 1) and card.key.endswith(f"#c{card.cloze_number}"):
                continue  # one check per cloze entry
            where = f"{path}: card {card.entry}"
            if not card.source_quote:
                problems.append(f"{where}: no source quote")
                continue
            quotes += 1
            quote = plain_quote(card.source_quote)
            para = card.source_para or 0
            if len(quote.split()) > MAX_QUOTE_WORDS:
                problems.append(f"{where}: quote is {len(quote.split())} words (max 25)")
            if not 1 <= para <= len(paras):
                problems.append(f"{where}: paragraph {para} does not exist")
                continue
            if not is_substance(paras[para - 1]):
                problems.append(f"{where}: paragraph {para} is page furniture")
            if quote not in paras[para - 1]:
                found = [i + 1 for i, p in enumerate(paras) if quote in p]
                hint = f" (it is in paragraph {found[0]})" if found else " (not in the article)"
                problems.append(f"{where}: quote not in paragraph {para}{hint}")
            else:
                cited.add(para)
    uncited = [i + 1 for i, p in enumerate(paras) if is_substance(p) and i + 1 not in cited]
    return problems, uncited, quotes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", type=Path)
    parser.add_argument("decks", type=Path, nargs="+")
    parser.add_argument("--require-all", action="store_true",
                        help="fail when a paragraph of substance is cited by no card")
    args = parser.parse_args(argv)
    if not args.article.is_file():
        print(f"check_sources: {args.article}: no such file", file=sys.stderr)
        return 1
    problems, uncited, quotes = check(args.article, args.decks)
    for line in problems:
        print(line)
    print(f"{quotes} quotes checked, {len(problems)} problems")
    if uncited:
        print("paragraphs of substance no card cites: " + ", ".join(map(str, uncited)))
    else:
        print("every paragraph of substance is cited")
    return 1 if problems or (args.require_all and uncited) else 0


if __name__ == "__main__":
    raise SystemExit(main())
