"""An Anki package's zip read safely: the collection member chosen (by the ``meta`` member, else
``collection.anki21b`` over ``collection.anki21`` over ``collection.anki2``), and every read
bounded: no member over 512 MiB uncompressed, no compression ratio over 200, no member name
that tries to leave the archive."""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath
from typing import Any

from trainer.formats import protobuf
from trainer.formats.errors import DeckError

MAX_MEMBER = 512 * 1024 * 1024
MAX_RATIO = 200
PREFERENCE = ("collection.anki21b", "collection.anki21", "collection.anki2")
META_VERSION = {1: "collection.anki2", 2: "collection.anki21", 3: "collection.anki21b"}


def check_member(info: zipfile.ZipInfo, origin: str) -> None:
    """A DeckError for a member whose name leaves the archive, or that is too large or
    compressed too well to read safely."""
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
        raise DeckError(f"{origin}: archive member {name!r} tries to escape the archive")
    if info.file_size > MAX_MEMBER:
        raise DeckError(f"{origin}: archive member {name!r} is too large to import safely")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        raise DeckError(f"{origin}: archive member {name!r} is compressed suspiciously well "
                        "(a zip bomb?); not imported")


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member read a megabyte at a time, stopping at the first past what it may expand to
    (its stated size, the ratio and the cap), whatever its header claims."""
    limit = min(MAX_MEMBER, max(info.compress_size, 1) * MAX_RATIO)
    out = bytearray()
    with archive.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out += chunk
            if len(out) > limit:
                raise DeckError(f"archive member {info.filename!r} expands too much to "
                                "import safely")
    return bytes(out)


def choose_collection(archive: zipfile.ZipFile, origin: str) -> tuple[zipfile.ZipInfo, bool]:
    """The collection member to import, and whether it is zstd-compressed (anki21b), once
    every member has been checked: the one ``meta`` names, else the newest format present
    (a current package's ``collection.anki2`` is a dummy)."""
    infos = archive.infolist()
    for info in infos:
        check_member(info, origin)
    by_name = {info.filename: info for info in infos}
    wanted = None
    if "meta" in by_name:
        try:
            version = protobuf.first_int(read_member(archive, by_name["meta"]), 1)
        except ValueError:
            version = 0
        wanted = META_VERSION.get(version)
    if wanted is None or wanted not in by_name:
        wanted = next((n for n in PREFERENCE if n in by_name), None)
    if wanted is None:
        raise DeckError(f"{origin}: not an Anki package (no collection inside the zip)")
    return by_name[wanted], wanted.endswith("anki21b")


def extract_collection(archive: zipfile.ZipFile, info: zipfile.ZipInfo, zstd: bool,
                       origin: str, out: Any) -> None:
    """The collection member into ``out``, a megabyte at a time, stopping at the first past
    what it may expand to (its stated size, the ratio and the cap), whatever its headers
    claim: a 19 KB package once expanded to 588 MB before the ratio was checked."""
    import zstandard

    member_limit = min(MAX_MEMBER, max(info.compress_size, 1) * MAX_RATIO)
    limit = min(MAX_MEMBER, max(info.file_size, 1) * MAX_RATIO) if zstd else member_limit
    written = 0
    with archive.open(info) as fh:
        source: Any = _Limited(fh, member_limit, info.filename)
        try:
            if zstd:
                source = zstandard.ZstdDecompressor().stream_reader(source)
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    raise DeckError(f"{origin}: the collection expands too much to import "
                                    "safely")
                out.write(chunk)
        except zstandard.ZstdError as exc:
            raise DeckError(f"{origin}: the collection is not valid zstd data ({exc})") \
                from None


class _Limited:
    """A zip member's stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, fh: Any, limit: int, name: str) -> None:
        self.fh, self.limit, self.name, self.seen = fh, limit, name, 0

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self.fh.read(size)
        self.seen += len(chunk)
        if self.seen > self.limit:
            raise DeckError(f"archive member {self.name!r} expands too much to import safely")
        return chunk
