"""CSV/TSV/TXT decks, following Anki's text-import conventions.

Header lines at the top (``#separator:``, ``#html:``, ``#tags:``, ``#tags column:``,
``#columns:``, ``#deck:``, ``#deck column:``, ``#notetype:``, ``#guid column:``) say how to
read the rows; without ``#separator:`` the separator is guessed from the first row. The first
field is the prompt, the second the answer. A card's key is its guid column, else a hash of its
normalised first field, so that editing the answer keeps the card's progress.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from trainer.formats.cloze import cloze_answer, cloze_numbers, cloze_prompt
from trainer.formats.errors import DeckError, decode_text
from trainer.formats.html_text import html_to_text
from trainer.formats.limits import cloze_problem
from trainer.formats.model import ParsedDeck, StudyCard

SEPARATORS = {
    "comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":",
}
NOT_SPACE = re.compile(r"\S")
LINE_END = re.compile(r"\r\n?|\n")
HEADER = re.compile(r"^#([a-z ]+):(.*)$", re.IGNORECASE)
KNOWN_HEADERS = {
    "separator", "html", "tags", "tags column", "columns", "deck", "deck column", "notetype",
    "notetype column", "guid column", "if matches",
}


def slugify(name: str) -> str:
    """A deck key from a name: lower-case ASCII letters, digits and hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        slug = "deck-" + hashlib.sha1(name.encode()).hexdigest()[:8]
    return slug[:100].rstrip("-")


def normalise_front(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(text.split())


def front_key(text: str) -> str:
    return "h" + hashlib.sha1(normalise_front(text).encode()).hexdigest()[:16]


def _lines(text: str, start: int = 0) -> Iterator[str]:
    """The lines of ``text`` from ``start``, each with its ending, one at a time: splitting
    the whole text, joining the rows back and handing them to a StringIO made three more
    copies of a file that a single emoji stores at four bytes a character (about 200 MB
    for 100,000 rows). A file whose lines end in a bare CR is split the old way."""
    first = LINE_END.search(text, start)
    if first is not None and first.group() == "\r":  # lines that end in a bare CR
        yield from io.StringIO(text[start:], newline="")
        return
    find, end = text.find, len(text)
    while start < end:
        stop = find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def _guess_separator(line: str) -> str:
    for sep in ("\t", "|", ";", ","):
        if sep in line:
            return sep
    return "\t"


def _column(value: str, origin: str, name: str) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise DeckError(f"{origin}: #{name}: not a column number: {value.strip()!r}") from None
    if number < 1:
        raise DeckError(f"{origin}: #{name}: columns count from 1")
    return number - 1


# a row: front, back (a cloze's back is its explanation), tags, key, kind
CSV_CARRIES = frozenset({"prompt", "answer", "cloze_text", "cloze_number", "tags", "kind"})
# words only: a first row "q<TAB>a" is a card whose prompt is q, not a header
FRONT_NAMES = {"question", "front", "prompt", "term"}
BACK_NAMES = {"answer", "back", "definition"}


def parse_text(
    data: bytes, origin: str, deck_name: str | None = None, default_sep: str | None = None
) -> list[ParsedDeck]:
    text = decode_text(data, origin)
    headers: dict[str, str] = {}
    consumed = 0
    start = 0  # where the rows begin in text
    for number, line in enumerate(_lines(text), 1):
        match = HEADER.match(line.rstrip("\r\n"))
        if not match:
            break
        key = match.group(1).strip().lower()
        if key not in KNOWN_HEADERS:
            raise DeckError(f"{origin}:{number}: unknown header #{match.group(1)}:")
        headers[key] = match.group(2).strip()
        consumed = number
        start += len(line)
    if NOT_SPACE.search(text, start) is None:  # searched in place: no copy of the rows
        raise DeckError(f"{origin}: no rows to import")

    sep_value = headers.get("separator")
    if sep_value:
        sep = SEPARATORS.get(sep_value.lower(), sep_value)
        if len(sep) != 1:
            raise DeckError(f"{origin}: #separator: must be one character or a name such as Tab")
    else:
        first_row = next((ln for ln in _lines(text, start) if ln.strip()), "")
        sep = default_sep or _guess_separator(first_row)
    html = headers.get("html", "false").lower() == "true"
    extra_tags = headers.get("tags", "").split()
    columns = [c.strip() for c in headers["columns"].split(sep)] if "columns" in headers else []
    header_row = 0
    if not columns:
        # a spreadsheet's first row naming its columns (Question,Answer,Tags): a header
        try:
            cells = next(csv.reader(_lines(text, start), delimiter=sep), [])
        except csv.Error:
            cells = []  # the rows' own reading says what is wrong, line by line
        named = [c.strip().lower() for c in cells]
        if set(named) & FRONT_NAMES and set(named) & BACK_NAMES:
            columns, header_row = [c.strip() for c in cells], 1
    lowered = [c.lower() for c in columns]
    front_col = next((i for i, c in enumerate(lowered) if c in FRONT_NAMES), None)
    back_col = next((i for i, c in enumerate(lowered) if c in BACK_NAMES), None)
    kind_col = next((i for i, c in enumerate(lowered) if c == "kind"), None)

    def col(header: str, names: tuple[str, ...]) -> int | None:
        if header in headers:
            return _column(headers[header], origin, header)
        for name in names:
            if name in lowered:
                return lowered.index(name)
        return None

    tags_col = col("tags column", ("tags",))
    guid_col = col("guid column", ("guid",))
    deck_col = col("deck column", ("deck",))
    notetype_col = col("notetype column", ("notetype",))  # read, so it is not a field
    special = {c for c in (tags_col, guid_col, deck_col, notetype_col, kind_col)
               if c is not None}
    default_deck = deck_name or headers.get("deck") or Path(origin).stem

    reader = csv.reader(_lines(text, start), delimiter=sep, strict=True)
    decks: dict[str, ParsedDeck] = {}
    seen: dict[tuple[str, str], int] = {}
    media: list[str] = []
    start = consumed + 1
    while True:
        row_line = consumed + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "end of data" in str(exc) or "EOF" in str(exc):
                raise DeckError(
                    f"{origin}:{row_line}: a quoted field is never closed (unclosed \")"
                ) from None
            raise DeckError(f"{origin}:{row_line}: {_plain_csv_error(str(exc))}") from None
        start = row_line
        if header_row and reader.line_num == header_row:
            continue  # the row that names the columns
        if not "".join(row).strip():
            continue
        if len(row) == 1 and row[0].startswith("#"):
            continue  # a comment line
        fields = [f for i, f in enumerate(row) if i not in special] if special else row
        if len(fields) < 2 or not fields[0].strip():
            deck = decks.get(default_deck) or decks.setdefault(
                default_deck, _new_deck(default_deck, origin))
            deck.notes.append(f"line {start}: skipped: needs a prompt and an answer")
            continue
        front, back = fields[0], fields[1]
        if front_col is not None and back_col is not None:
            front = row[front_col] if front_col < len(row) else ""
            back = row[back_col] if back_col < len(row) else ""
        kind = row[kind_col].strip().lower() if kind_col is not None and kind_col < len(row) \
            else ""
        if kind not in ("", "basic", "typed", "cloze", "choice"):
            deck = decks.get(default_deck) or decks.setdefault(
                default_deck, _new_deck(default_deck, origin))
            deck.notes.append(f"line {start}: skipped: unknown kind {kind!r} (basic, typed, "
                              "cloze or choice)")
            continue
        if html:
            front, m1 = html_to_text(front)
            back, m2 = html_to_text(back)
            media += m1 + m2
        tags = list(extra_tags)
        if tags_col is not None and tags_col < len(row):
            # interned: a tag is the same few strings on thousands of cards
            tags += map(sys.intern, row[tags_col].split())
        name = default_deck
        if deck_col is not None and deck_col < len(row) and row[deck_col].strip():
            name = row[deck_col].strip()
        deck = decks.get(name) or decks.setdefault(name, _new_deck(name, origin))
        guid = row[guid_col].strip() if guid_col is not None and guid_col < len(row) else ""
        key = guid or front_key(front)
        if (name, key) in seen:
            deck.notes.append(
                f"line {start}: skipped: same {'guid' if guid else 'first field'} as line "
                f"{seen[(name, key)]}"
            )
            continue
        seen[(name, key)] = start
        # A first field with {{c1::...}} makes cloze cards, whatever the note type says.
        numbers = cloze_numbers(front) if "{{c" in front else None
        if numbers and (problem := cloze_problem(front)):  # before it makes a card a gap
            raise DeckError(f"{origin}:{start}: {problem}")
        if numbers:
            for n in numbers:
                deck.cards.append(StudyCard(
                    key=f"{key}#c{n}", entry=key, kind="cloze", cloze_text=front,
                    cloze_number=n, prompt=cloze_prompt(front, n),
                    answer=cloze_answer(front, n), explanation=back, tags=tags,
                ))
        else:
            deck.cards.append(
                # a choice row keeps a stored card's options; a new one is refused on import
                StudyCard(key=key, entry=key, kind="typed" if kind == "typed" else
                          "choice" if kind == "choice" else "basic", prompt=front,
                          answer=back, tags=tags)
            )
    if not decks:
        raise DeckError(f"{origin}: no rows to import")
    if media:
        first = next(iter(decks.values()))
        first.notes.append(f"media referenced but not imported: {', '.join(sorted(set(media)))}")
    return list(decks.values())


# the csv module's words, which speak of its own API, and what they mean in the file
_CSV_ERRORS = (
    ("new-line character seen in unquoted field", "a carriage return (CR) inside a field "
     "that is not in quotes; put the field in quotes, or save the file with ordinary line "
     "ends"),
    ("expected after", "a quote inside a field that does not begin with one; put the whole "
     'field in quotes and double the quote inside it ("")'),
    ("field larger than field limit", "a field longer than 131,072 characters"),
)


def _plain_csv_error(message: str) -> str:
    return next((words for key, words in _CSV_ERRORS if key in message),
                "cannot be read as a row of this file")


def _new_deck(name: str, origin: str) -> ParsedDeck:
    return ParsedDeck(key=slugify(name), name=name, origin=origin, named=True,
                      carries=CSV_CARRIES)
