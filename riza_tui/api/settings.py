"""Client settings, resolved like the official SDKs: flags over RIZA_* environment variables over defaults."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

DEFAULT_BASE_URL = "https://api.riza.io"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class ClientSettings:
    """Everything the client needs. ``api_key`` never appears in ``repr`` so it cannot leak into logs."""

    api_key: str | None = field(default=None, repr=False)
    base_url: str = DEFAULT_BASE_URL
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = 2
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    retry_initial_delay: float = 0.5
    retry_max_delay: float = 8.0

    @classmethod
    def resolve(
        cls,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> ClientSettings:
        """Flags win over ``RIZA_API_KEY`` / ``RIZA_BASE_URL``, which win over the defaults; empty values count
        as unset. Profiles from the config file are resolved above this layer (``core.config``)."""
        env = os.environ if environ is None else environ
        if api_key:
            key: str | None = checked_api_key(api_key, "the API key")
        else:
            key = checked_api_key(env.get("RIZA_API_KEY") or "", "RIZA_API_KEY")
        return cls(
            api_key=key or None,
            base_url=(base_url or env.get("RIZA_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        )


class InvalidKeyError(ValueError):
    """A key that cannot be sent in a header; the message says where it came from and what is wrong, never the key."""


def checked_api_key(value: str, source: str) -> str:
    """``value`` without one trailing newline (``\\n`` or ``\\r\\n``: a file, a command's output), or
    InvalidKeyError naming ``source``, the position and the kind of the first character a bearer token cannot
    hold (anything but printable ASCII). httpx would refuse it with the key in its message, or crash."""
    key = value.removesuffix("\n").removesuffix("\r") if value.endswith("\n") else value
    for position, char in enumerate(key, start=1):
        if not "!" <= char <= "~":
            lines = key.count("\n") + 1
            if char == "\n" and lines > 1:
                problem = f"has {lines} lines"
            else:
                problem = f"holds {_kind(char)} at position {position} of {len(key)}"
            raise InvalidKeyError(f"{source} {problem}; an API key is one line of printable ASCII")
    return key


def _kind(char: str) -> str:
    if char == "\r":
        return "a carriage return (a file with Windows line endings?)"
    if char in " \t":
        return "a space" if char == " " else "a tab"
    if char.isascii() or unicodedata.category(char).startswith("C"):
        return f"a control character (U+{ord(char):04X})"
    return f"a non-ASCII character (U+{ord(char):04X} {unicodedata.name(char, 'unnamed').lower()})"


def check_base_url(url: str) -> str:
    """The URL without a trailing slash, or ValueError saying in one line what is wrong with it."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as error:
        raise ValueError(f"not a valid URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must look like https://api.riza.io (http or https, with a host)")
    return url.rstrip("/")


def display_url(url: str) -> str:
    """The URL as it may be shown: a password in it is replaced, so it never reaches a screen or a log."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
    except ValueError:
        return url.split("@", 1)[-1] if "@" in url else url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:••••@{host}"))
