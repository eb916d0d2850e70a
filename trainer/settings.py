"""User settings: a pydantic model read from an optional ``config.toml`` in the data dir."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from trainer import paths
from trainer.errors import SettingsError
from trainer.tomltext import Unreadable, read_toml

Limit = Annotated[int, Field(ge=0, le=1_000_000)]


class DeckSettings(BaseModel):
    """``[decks.KEY]`` in config.toml: one deck's options (the app's own settings win)."""

    # strict: TOML has real booleans and integers, so `true` is never an hour
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    new_per_day: Limit | None = None
    reviews_per_day: Limit | None = None
    bury_new_siblings: bool | None = None
    bury_review_siblings: bool | None = None
    leech_lapses: Annotated[int, Field(ge=1, le=1000)] | None = None
    leech_action: Literal["suspend", "tag"] | None = None


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    day_start_hour: Annotated[int, Field(ge=0, le=23)] = 4
    timezone: str | None = None
    new_per_day: Limit = 20
    reviews_per_day: Limit = 200
    max_per_day: Limit | None = None  # all decks together, new cards and reviews
    bury_new_siblings: bool = True
    bury_review_siblings: bool = True
    leech_lapses: Annotated[int, Field(ge=1, le=1000)] = 8
    leech_action: Literal["suspend", "tag"] = "suspend"
    lapse_updates_easiness: bool = False
    decks: dict[str, DeckSettings] = {}

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # "America" is a folder
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    def tzinfo(self) -> ZoneInfo | None:
        """The configured zone; None means the system's local zone."""
        return ZoneInfo(self.timezone) if self.timezone else None


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; a missing file means the defaults."""
    path = path or paths.config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        data = read_toml(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from exc
    except Unreadable as exc:
        raise SettingsError(f"{path}: {exc}") from None
    try:
        return Settings.model_validate(data)
    except RecursionError:
        raise SettingsError(f"{path}: nested too deeply to be trainer's settings") from None
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(top level)"
            reason = ("unknown key" if err["type"] == "extra_forbidden"
                      else err["msg"].removeprefix("Value error, "))
            lines.append(f"{path}: {key}: {reason}")
        raise SettingsError("\n".join(lines)) from None
