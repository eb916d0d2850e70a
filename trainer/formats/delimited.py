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
from dataclasses import dataclass
from pathlib import Path

from trainer.formats.cloze import cloze_answer, cloze_numbers, cloze_prompt
from trainer.formats.errors import DeckError, decode_text
from trainer.formats.html_text import html_to_text
from trainer.formats.limits import cloze_problem
from trainer.formats.model import ParsedDeck, StudyCard
from trainer.rules import CardKind

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
    """A first field as its key reads it: the same words in another case, Unicode form or
    spacing are the same card."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(text.split())


def front_key(text: str) -> str:
    """A row's key when it has no guid: a hash of its normalised first field, so that editing
    the answer, or the front's case or spacing, keeps the card and its progress."""
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
    """The decks of a CSV, TSV or text file: one, or one per value of its deck column, named
    ``deck_name``, else by its ``#deck:`` header, else after the file. Rows that cannot be
    cards are skipped with a note; a file that cannot be read raises DeckError, naming the
    line. ``default_sep`` is the separator when no header names one (else it is guessed)."""
    text = decode_text(data, origin)
    headers, consumed, start = _read_headers(text, origin)
    if NOT_SPACE.search(text, start) is None:  # searched in place: no copy of the rows
        raise DeckError(f"{origin}: no rows to import")
    layout = _layout(text, start, headers, origin, default_sep)
    reader = _RowReader(layout, deck_name or headers.get("deck") or Path(origin).stem,
                        headers.get("tags", "").split(), origin)
    for line, read_to, row in _rows(text, start, consumed, layout.sep, origin):
        if not (layout.header_row and read_to == layout.header_row):  # the columns' names
            reader.add(line, row)
    return reader.decks()


def _read_headers(text: str, origin: str) -> tuple[dict[str, str], int, int]:
    """The ``#name:value`` lines at the top: their values by name, how many lines they take,
    and where in ``text`` the rows begin."""
    headers: dict[str, str] = {}
    consumed = 0
    start = 0
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
    return headers, consumed, start


@dataclass(frozen=True, slots=True)
class _Layout:
    """How a file's rows are read: the separator, whether fields are HTML, the row that names
    the columns (1, or 0 for none), and which column holds what (None: no such column)."""

    sep: str
    html: bool
    header_row: int
    front: int | None
    back: int | None
    kind: int | None
    tags: int | None
    guid: int | None
    deck: int | None
    special: frozenset[int]  # the columns that are not a card's fields


def _layout(text: str, start: int, headers: dict[str, str], origin: str,
            default_sep: str | None) -> _Layout:
    """The rows' layout from the headers, the first row, and ``default_sep``."""
    sep = _separator(text, start, headers, origin, default_sep)
    columns = [c.strip() for c in headers["columns"].split(sep)] if "columns" in headers else []
    header_row = 0
    if not columns:
        columns = _named_columns(text, start, sep)
        header_row = 1 if columns else 0
    lowered = [c.lower() for c in columns]

    def col(header: str, names: tuple[str, ...]) -> int | None:
        if header in headers:
            return _column(headers[header], origin, header)
        for name in names:
            if name in lowered:
                return lowered.index(name)
        return None

    kind_col = next((i for i, c in enumerate(lowered) if c == "kind"), None)
    tags_col = col("tags column", ("tags",))
    guid_col = col("guid column", ("guid",))
    deck_col = col("deck column", ("deck",))
    notetype_col = col("notetype column", ("notetype",))  # read, so it is not a field
    return _Layout(
        sep=sep, html=headers.get("html", "false").lower() == "true", header_row=header_row,
        front=next((i for i, c in enumerate(lowered) if c in FRONT_NAMES), None),
        back=next((i for i, c in enumerate(lowered) if c in BACK_NAMES), None),
        kind=kind_col, tags=tags_col, guid=guid_col, deck=deck_col,
        special=frozenset(c for c in (tags_col, guid_col, deck_col, notetype_col, kind_col)
                          if c is not None))


def _separator(text: str, start: int, headers: dict[str, str], origin: str,
               default_sep: str | None) -> str:
    """The ``#separator:`` header's (a character or a name such as Tab), else
    ``default_sep``, else guessed from the first row."""
    sep_value = headers.get("separator")
    if not sep_value:
        first_row = next((ln for ln in _lines(text, start) if ln.strip()), "")
        return default_sep or _guess_separator(first_row)
    sep = SEPARATORS.get(sep_value.lower(), sep_value)
    if len(sep) != 1:
        raise DeckError(f"{origin}: #separator: must be one character or a name such as Tab")
    return sep


def _named_columns(text: str, start: int, sep: str) -> list[str]:
    """A spreadsheet's first row naming its columns (Question,Answer,Tags): its cells, or
    none when the first row is a card."""
    try:
        cells = next(csv.reader(_lines(text, start), delimiter=sep), [])
    except csv.Error:
        cells = []  # the rows' own reading says what is wrong, line by line
    named = [c.strip().lower() for c in cells]
    if set(named) & FRONT_NAMES and set(named) & BACK_NAMES:
        return [c.strip() for c in cells]
    return []


def _rows(text: str, start: int, consumed: int, sep: str,
          origin: str) -> Iterator[tuple[int, int, list[str]]]:
    """Each row from ``start``: the file's line it begins on, the reader's line count once it
    is read (a quoted field may span lines), and its fields; a row the csv module cannot read
    is a DeckError that names its line, in the file's terms."""
    reader = csv.reader(_lines(text, start), delimiter=sep, strict=True)
    while True:
        line = consumed + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "end of data" in str(exc) or "EOF" in str(exc):
                raise DeckError(
                    f"{origin}:{line}: a quoted field is never closed (unclosed \")"
                ) from None
            raise DeckError(f"{origin}:{line}: {_plain_csv_error(str(exc))}") from None
        yield line, reader.line_num, row


class _RowReader:
    """The decks a file's rows make, one row at a time: a row is a card (a cloze row, one a
    gap), or skipped with a note in its deck (empty, a comment, no prompt or answer, an
    unknown kind, a key already met)."""

    def __init__(self, layout: _Layout, default_deck: str, extra_tags: list[str],
                 origin: str) -> None:
        self.layout, self.default_deck = layout, default_deck
        self.extra_tags, self.origin = extra_tags, origin
        self._decks: dict[str, ParsedDeck] = {}
        self.seen: dict[tuple[str, str], int] = {}  # (deck, key) -> the line that had it
        self.media: list[str] = []

    def _deck(self, name: str) -> ParsedDeck:
        return self._decks.get(name) or self._decks.setdefault(name, _new_deck(name,
                                                                               self.origin))

    def add(self, line: int, row: list[str]) -> None:
        """The card or cards of the row that begins on ``line``."""
        if not "".join(row).strip():
            return
        if len(row) == 1 and row[0].startswith("#"):
            return  # a comment line
        layout = self.layout
        fields = [f for i, f in enumerate(row) if i not in layout.special] \
            if layout.special else row
        if len(fields) < 2 or not fields[0].strip():
            self._deck(self.default_deck).notes.append(
                f"line {line}: skipped: needs a prompt and an answer")
            return
        kind = _cell(row, layout.kind).strip().lower()
        if kind not in ("", "basic", "typed", "cloze", "choice"):
            self._deck(self.default_deck).notes.append(
                f"line {line}: skipped: unknown kind {kind!r} (basic, typed, cloze or choice)")
            return
        front, back = fields[0], fields[1]
        if layout.front is not None and layout.back is not None:
            front, back = _cell(row, layout.front), _cell(row, layout.back)
        if layout.html:
            front, m1 = html_to_text(front)
            back, m2 = html_to_text(back)
            self.media += m1 + m2
        tags = list(self.extra_tags)
        if layout.tags is not None and layout.tags < len(row):
            # interned: a tag is the same few strings on thousands of cards
            tags += map(sys.intern, row[layout.tags].split())
        name = _cell(row, layout.deck).strip() or self.default_deck
        guid = _cell(row, layout.guid).strip()
        key = guid or front_key(front)
        deck = self._deck(name)
        if (name, key) in self.seen:
            deck.notes.append(f"line {line}: skipped: same {'guid' if guid else 'first field'}"
                              f" as line {self.seen[(name, key)]}")
            return
        self.seen[(name, key)] = line
        deck.cards += self._cards(line, key, kind, front, back, tags)

    def _cards(self, line: int, key: str, kind: str, front: str, back: str,
               tags: list[str]) -> list[StudyCard]:
        """A first field with {{c1::...}} makes cloze cards, whatever the note type says
        (the back their explanation); any other row one card."""
        numbers = cloze_numbers(front) if "{{c" in front else None
        if numbers and (problem := cloze_problem(front)):  # before it makes a card a gap
            raise DeckError(f"{self.origin}:{line}: {problem}")
        if numbers:
            return [StudyCard(key=f"{key}#c{n}", entry=key, kind="cloze", cloze_text=front,
                              cloze_number=n, prompt=cloze_prompt(front, n),
                              answer=cloze_answer(front, n), explanation=back, tags=tags)
                    for n in numbers]
        # a choice row keeps a stored card's options; a new one is refused on import
        return [StudyCard(key=key, entry=key, kind=_ROW_KINDS.get(kind, "basic"),
                          prompt=front, answer=back, tags=tags)]

    def decks(self) -> list[ParsedDeck]:
        """Every deck the rows made; DeckError when there is none."""
        if not self._decks:
            raise DeckError(f"{self.origin}: no rows to import")
        if self.media:
            first = next(iter(self._decks.values()))
            first.notes.append("media referenced but not imported: "
                               f"{', '.join(sorted(set(self.media)))}")
        return list(self._decks.values())


# what a row's kind column makes of a card that is not a cloze
_ROW_KINDS: dict[str, CardKind] = {"typed": "typed", "choice": "choice"}


def _cell(row: list[str], column: int | None) -> str:
    """The row's cell in ``column``: empty when there is no such column or the row is short."""
    return row[column] if column is not None and column < len(row) else ""


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
