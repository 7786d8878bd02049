"""Named profiles from a TOML file in the XDG config directory, for people with more than one API server.

    default_profile = "staging"
    theme = "textual-light"
    archive = true                          # false: nothing fetched is kept on disk
    archive_max_size = "1GB"                # the archive's size limit; the oldest executions go first

    [profiles.staging]
    base_url = "https://riza.staging.example.com"
    api_key_env = "STAGING_RIZA_KEY"        # or api_key = "…", or api_key_command = "pass show riza/staging"

Precedence is flags > environment (RIZA_API_KEY, RIZA_BASE_URL) > profile > defaults. Every error names the
file, the line and the field. The key itself is never printed, even in errors.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from riza_tui.api.settings import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, ClientSettings, check_base_url
from riza_tui.core.sizes import parse_size

PROFILE_FIELDS = {"base_url", "api_key", "api_key_env", "api_key_command"}
TOP_FIELDS = {"default_profile", "theme", "profiles", "archive", "archive_max_size"}
KEY_COMMAND_TIMEOUT = 10.0


class ConfigError(Exception):
    """A config file that cannot be used; the message says where (file:line) and what."""


@dataclass(frozen=True)
class Profile:
    name: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    api_key_env: str | None = None
    api_key_command: str | None = None


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    default_profile: str | None = None
    theme: str | None = None
    archive: bool = True
    archive_max_size: int | None = None


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "riza-tui" / "config.toml"


def _line_of(text: str, table: str | None, key: str) -> int:
    """The line where ``key`` is set, inside ``[table]`` (or at the top level for None); 1 if not found."""
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped.strip("[] ")
        elif current == table and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return 1


def load_config(path: Path | None = None) -> Config:
    """The config file, or an empty config when there is none."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None

    def fail(table: str | None, key: str, problem: str) -> ConfigError:
        section = f"profiles.{table}" if table else None
        where = f"{section}." if section else ""
        return ConfigError(f"{path}:{_line_of(text, section, key)}: {where}{key}: {problem}")

    for key in document:
        if key not in TOP_FIELDS:
            raise fail(None, key, f"unknown setting (expected one of: {', '.join(sorted(TOP_FIELDS))})")
    profiles: dict[str, Profile] = {}
    raw_profiles = document.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise fail(None, "profiles", "must be a table of profiles, like [profiles.NAME]")
    for name, values in raw_profiles.items():
        if not isinstance(values, dict):
            raise fail(None, "profiles", f"{name!r} must be a table")
        profiles[name] = _profile(name, values, fail)
    default = _string(document, "default_profile", None, fail)
    if default is not None and default not in profiles:
        raise fail(None, "default_profile", f"no profile named {default!r}")
    archive, archive_max_size = _archive_settings(document, fail)
    return Config(path, profiles, default, _string(document, "theme", None, fail), archive, archive_max_size)


def _archive_settings(document: dict[str, Any], fail: Any) -> tuple[bool, int | None]:
    """``archive = false`` switches the archive off; ``archive_max_size = "500MB"`` (or bytes) bounds it."""
    archive = document.get("archive", True)
    if not isinstance(archive, bool):
        raise fail(None, "archive", "must be true or false")
    size = document.get("archive_max_size")
    if size is None:
        return archive, None
    if isinstance(size, bool) or not isinstance(size, int | str):
        raise fail(None, "archive_max_size", 'must be a size such as "500MB" or "2GB"')
    try:
        return archive, parse_size(str(size))
    except ValueError as error:
        raise fail(None, "archive_max_size", str(error)) from None


def _string(values: dict[str, Any], key: str, table: str | None, fail: Any) -> str | None:
    value = values.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise fail(table, key, "must be a non-empty string")
    return value


def _profile(name: str, values: dict[str, Any], fail: Any) -> Profile:
    for key in values:
        if key not in PROFILE_FIELDS:
            raise fail(name, key, f"unknown field (expected one of: {', '.join(sorted(PROFILE_FIELDS))})")
    sources = [key for key in ("api_key", "api_key_env", "api_key_command") if key in values]
    if len(sources) > 1:
        raise fail(name, sources[1], f"give one of api_key, api_key_env, api_key_command, not {' and '.join(sources)}")
    base_url = _string(values, "base_url", name, fail)
    if base_url is not None:
        try:
            base_url = check_base_url(base_url)
        except ValueError as error:
            raise fail(name, "base_url", str(error)) from None
    return Profile(
        name,
        base_url,
        _string(values, "api_key", name, fail),
        _string(values, "api_key_env", name, fail),
        _string(values, "api_key_command", name, fail),
    )


def profile_key(profile: Profile, environ: dict[str, str] | None = None) -> str | None:
    """The profile's API key: as written, from the variable it names, or from the command's output."""
    env = os.environ if environ is None else environ
    if profile.api_key:
        return profile.api_key
    if profile.api_key_env:
        return env.get(profile.api_key_env) or None
    if profile.api_key_command:
        try:
            done = subprocess.run(
                shlex.split(profile.api_key_command),
                capture_output=True,
                text=True,
                timeout=KEY_COMMAND_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired, ValueError) as error:
            raise ConfigError(f"profile {profile.name}: api_key_command failed: {type(error).__name__}") from None
        if done.returncode != 0:
            raise ConfigError(f"profile {profile.name}: api_key_command exited {done.returncode}")
        return done.stdout.strip() or None
    return None


def resolve_settings(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    environ: Mapping[str, str] | None = None,
    profile: Profile | None = None,
) -> ClientSettings:
    """Flags win over ``RIZA_API_KEY`` / ``RIZA_BASE_URL``, which win over the profile; empty values count
    as unset. A profile's key command runs only when neither a flag nor the environment gave a key."""
    env = os.environ if environ is None else environ
    key = api_key or env.get("RIZA_API_KEY") or None
    if key is None and profile is not None:
        key = profile_key(profile, dict(env))
    return ClientSettings(
        api_key=key,
        base_url=resolve_base_url(base_url, env, profile),
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
    )


def resolve_base_url(base_url: str | None, environ: Mapping[str, str], profile: Profile | None) -> str:
    """The server, with the precedence of :func:`resolve_settings`, without asking for a key (``--offline``)."""
    profile_url = profile.base_url if profile is not None else None
    return (base_url or environ.get("RIZA_BASE_URL") or profile_url or DEFAULT_BASE_URL).rstrip("/")
