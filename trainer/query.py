"""The search language of the card browser and `trainer cards` (docs/search.md), parsed into a
tree the store compiles to SQL. Pure: no database, no screen.

    words "quoted phrases"     case-insensitive substrings of any field, punctuation included
    deck:KEY  tag:T            * matches anything; tag:a also finds a::b
    kind:typed                 basic, typed, cloze or choice
    is:new|learning|young|mature|due|suspended|buried|leech|retired|marked
    flag:1 … flag:7  flag:red  a flag (Anki's colours); flag:0 none
    prop:ivl>=10  prop:ease<2.0  prop:lapses>3  prop:reviews=0  prop:due<=1
    added:7  rated:7  rated:7:1
    -term   a or b   (grouping)   terms side by side must all match

A bad query raises QueryError, which names the column and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from trainer.rules import FLAG_COLOURS, CardKind

IsValue = Literal["new", "learning", "young", "mature", "due", "suspended", "buried", "leech",
                  "retired", "marked"]
IS_VALUES: tuple[IsValue, ...] = ("new", "learning", "young", "mature", "due", "suspended",
                                  "buried", "leech", "retired", "marked")
KINDS: tuple[CardKind, ...] = ("basic", "typed", "cloze", "choice")
PROPS = ("ivl", "ease", "lapses", "reviews", "due")
OPERATORS = ("<=", ">=", "!=", "<", ">", "=")
FIELDS = ("deck", "tag", "kind", "is", "prop", "added", "rated", "flag")
MAX_DAYS = 36_500
MAX_PROP = 1_000_000  # ivl, ease, lapses, reviews: past any card's, and what a database binds
MAX_DEPTH = 100  # brackets and '-' inside one another: the parser and the SQL recurse on them


class QueryError(ValueError):
    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"column {column}: {message}")
        self.column = column


@dataclass(frozen=True, slots=True)
class Text:
    value: str


@dataclass(frozen=True, slots=True)
class Deck:
    pattern: str  # with * for anything


@dataclass(frozen=True, slots=True)
class Tag:
    pattern: str


@dataclass(frozen=True, slots=True)
class Kind:
    kind: CardKind


@dataclass(frozen=True, slots=True)
class Is:
    what: IsValue


@dataclass(frozen=True, slots=True)
class Prop:
    name: str
    op: str
    value: float


@dataclass(frozen=True, slots=True)
class Added:
    days: int


@dataclass(frozen=True, slots=True)
class Rated:
    days: int
    grade: int | None = None


@dataclass(frozen=True, slots=True)
class Flag:
    flag: int  # 0: no flag


@dataclass(frozen=True, slots=True)
class Not:
    node: Node


@dataclass(frozen=True, slots=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    nodes: tuple[Node, ...]


Node = Text | Deck | Tag | Kind | Is | Prop | Added | Rated | Flag | Not | And | Or


@dataclass(frozen=True, slots=True)
class _Token:
    kind: Literal["(", ")", "-", "or", "term"]
    text: str
    column: int  # 1-based
    quoted: bool = False
    bare: str = ""  # what came before its first quote: deck:"Two words" is a field


_SPACE = re.compile(r"\s+")


def _tokens(query: str) -> list[_Token]:
    out: list[_Token] = []
    i = 0
    while i < len(query):
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(_Token(ch, ch, i + 1))  # type: ignore[arg-type]
            i += 1
        elif ch == "-" and i + 1 < len(query) and not query[i + 1].isspace():
            out.append(_Token("-", ch, i + 1))
            i += 1
        else:
            start = i
            text = bare = ""
            quoted = False
            while i < len(query) and not query[i].isspace() and query[i] not in "()":
                if query[i] == '"':
                    end = query.find('"', i + 1)
                    if end < 0:
                        raise QueryError("a quote is not closed", i + 1)
                    if not quoted:
                        bare = text
                    text += query[i + 1:end]
                    quoted = True
                    i = end + 1
                else:
                    text += query[i]
                    i += 1
            if not quoted and text.lower() == "or":
                out.append(_Token("or", text, start + 1))
            else:
                out.append(_Token("term", text, start + 1, quoted, bare if quoted else text))
    return out


def parse(query: str) -> Node | None:
    """The query's tree; None for an empty query (everything matches)."""
    tokens = _tokens(query)
    if not tokens:
        return None
    parser = _Parser(tokens, len(query))
    node = parser.either()
    if parser.at < len(tokens):
        token = tokens[parser.at]
        raise QueryError(f"unexpected {token.text!r}" + (
            " (no '(' to close)" if token.kind == ")" else ""), token.column)
    return node


class _Parser:
    def __init__(self, tokens: list[_Token], length: int) -> None:
        self.tokens = tokens
        self.at = 0
        self.depth = 0
        self.end_column = length + 1

    def _peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def either(self) -> Node:
        nodes = [self.all()]
        while (token := self._peek()) is not None and token.kind == "or":
            self.at += 1
            if self._peek() is None or self._peek().kind in (")", "or"):  # type: ignore[union-attr]
                raise QueryError("'or' needs something on both sides", token.column)
            nodes.append(self.all())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def all(self) -> Node:
        nodes: list[Node] = []
        while (token := self._peek()) is not None and token.kind not in (")", "or"):
            nodes.append(self.one())
        if not nodes:
            token = self._peek()
            column = token.column if token else self.end_column
            raise QueryError("a search term is missing here", column)
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def one(self) -> Node:
        token = self.tokens[self.at]
        self.at += 1
        if token.kind in ("-", "("):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QueryError(f"nested more than {MAX_DEPTH} deep", token.column)
            try:
                return self._inner(token)
            finally:
                self.depth -= 1
        return _term(token)

    def _inner(self, token: _Token) -> Node:
        if token.kind == "-":
            following = self._peek()
            if following is None or following.kind in (")", "or"):
                raise QueryError("'-' needs a term to leave out", token.column)
            return Not(self.one())
        node = self.either()
        closing = self._peek()
        if closing is None or closing.kind != ")":
            raise QueryError("'(' is not closed", token.column)
        self.at += 1
        return node


def _term(token: _Token) -> Node:
    text = token.text
    name, colon, value = text.partition(":")
    field_first = re.fullmatch(r"[a-zA-Z]+:", token.bare[:len(name) + 1])
    if not colon or not field_first:
        if not text:
            raise QueryError("an empty phrase", token.column)
        return Text(text)
    name = name.lower()
    where = token.column + len(name) + 1
    if name not in FIELDS:
        raise QueryError(f"unknown field {name + ':'!r} (use {', '.join(f + ':' for f in FIELDS)}"
                         "; put a word with a colon in quotes)", token.column)
    if not value:
        raise QueryError(f"{name}: needs a value", where)
    low = value.lower()
    if name == "deck":
        return Deck(value)
    if name == "tag":
        return Tag(value)
    if name == "kind":
        if low not in KINDS:
            raise QueryError(f"kind: is one of {', '.join(KINDS)}", where)
        return Kind(low)
    if name == "is":
        if low not in IS_VALUES:
            raise QueryError(f"is: is one of {', '.join(IS_VALUES)}", where)
        return Is(low)
    if name == "prop":
        return _prop(low, where)
    if name == "added":
        return Added(_days(low, where))
    if name == "flag":
        return _flag(low, where)
    days, _, grade = low.partition(":")
    if grade and not re.fullmatch("[0-5]", grade):
        raise QueryError("rated:DAYS:GRADE takes a grade from 0 to 5",
                         where + len(days) + 1)
    return Rated(_days(days, where), int(grade) if grade else None)


def _flag(text: str, column: int) -> Flag:
    if re.fullmatch(f"[0-{len(FLAG_COLOURS)}]", text):
        return Flag(int(text))
    if text in FLAG_COLOURS:
        return Flag(FLAG_COLOURS.index(text) + 1)
    raise QueryError(f"flag: is 0 (none) or 1-{len(FLAG_COLOURS)} "
                     f"({', '.join(FLAG_COLOURS)})", column)


def _days(text: str, column: int) -> int:
    # ASCII digits, few of them: int() refuses over 4,300 digits and "²".isdigit() is true
    if not re.fullmatch("[0-9]{1,6}", text) or not 1 <= int(text) <= MAX_DAYS:
        raise QueryError(f"a number of days from 1 to {MAX_DAYS} is expected, not {text!r}",
                         column)
    return int(text)


def _prop(text: str, column: int) -> Prop:
    match = re.fullmatch(r"([a-z]+)(<=|>=|!=|<|>|=)(-?[0-9]+(?:\.[0-9]+)?)", text)
    if match is None:
        raise QueryError("prop: is written like prop:ivl>=10 (ivl, ease, lapses, reviews or "
                         "due; <, <=, =, !=, >=, >)", column)
    name, op, number = match.groups()
    if name not in PROPS:
        raise QueryError(f"prop: is one of {', '.join(PROPS)}, not {name!r}", column)
    value = float(number)  # a float of any length (int() refuses 4,300 digits)
    most = MAX_DAYS if name == "due" else MAX_PROP
    if not -most <= value <= most:
        what = "a number of days" if name == "due" else "a number"
        raise QueryError(f"prop: {name} is {what} from {-most} to {most}", column)
    return Prop(name, op, value)


def mentions_retired(node: Node | None) -> bool:
    """True when the query asks about retired cards; otherwise they are left out."""
    match node:
        case Is("retired"):
            return True
        case Not(inner):
            return mentions_retired(inner)
        case And(nodes) | Or(nodes):
            return any(mentions_retired(n) for n in nodes)
    return False
