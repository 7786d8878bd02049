"""Named profiles from a TOML file in the XDG config directory, for people with more than one API server.

    default_profile = "staging"
    theme = "textual-light"
    archive = true                          # false: nothing fetched is kept on disk
    archive_max_size = "1GB"                # the archive's size limit; the oldest executions go first

    [profiles.staging]
    base_url = "https://riza.staging.example.com"
    api_key_env = "STAGING_RIZA_KEY"        # or api_key = "…", or api_key_command = "pass show riza/staging"

Precedence is flags > environment (RIZA_API_KEY, RIZA_BASE_URL) > profile > defaults, but a key goes only to the
URL it was configured with: the key and the URL come from the flags and environment together, or from the profile
together (an explicit ``--profile`` always from the profile), and a mix is refused. Every error names the file,
the line and the field. The key itself is never printed, even in errors.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from riza_tui.api.settings import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    ClientSettings,
    InvalidKeyError,
    check_base_url,
    checked_api_key,
    display_url,
)
from riza_tui.core.key_command import KeyCommandError, run_key_command
from riza_tui.core.sizes import parse_size
from riza_tui.safety.sanitize import one_line

PROFILE_FIELDS = {"base_url", "api_key", "api_key_env", "api_key_command"}
TOP_FIELDS = {"default_profile", "theme", "profiles", "keymap", "archive", "archive_max_size"}
MAX_CONFIG_BYTES = 1024 * 1024
# Profile names are printed in errors and drawn in the palette: letters, digits, '_', '-' and '.', nothing a
# terminal or Rich markup could take for a command.
PROFILE_NAME = re.compile(r"[\w.-]{1,64}")
KEY_PART = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)')


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
    # [keymap]: key id -> keys, as written (the TUI checks the ids and clashes), and the line of each entry
    keymap: dict[str, str] = field(default_factory=dict)
    keymap_lines: dict[str, int] = field(default_factory=dict)
    archive: bool = True
    archive_max_size: int | None = None


def config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "riza-tui" / "config.toml"


def profile_name_problem(name: str) -> str:
    """What is wrong with ``name`` as a profile name, or "" when nothing is."""
    if PROFILE_NAME.fullmatch(name):
        return ""
    if not name:
        return "a profile name cannot be empty"
    return f"the profile name '{one_line(name)}' may hold only letters, digits, '-', '_' and '.' (at most 64)"


def _dotted(key: str) -> tuple[str, ...]:
    """A TOML key (``profiles."a b".base_url``) as its parts."""
    parts = []
    for match in KEY_PART.finditer(key):
        basic, literal, bare = match.groups()
        if basic is not None:
            with contextlib.suppress(ValueError):  # TOML's basic-string escapes are JSON's: \uXXXX, \", \\
                basic = json.loads(f'"{basic}"')
        parts.append(next(part for part in (basic, literal, bare) if part is not None))
    return tuple(parts)


def _line_of(text: str, table: str | None, key: str) -> int:
    """The line where ``key`` is set inside ``[table]`` (None: the top level), both as written in TOML."""
    return _line_of_path(text, (*(_dotted(table) if table else ()), *_dotted(key)))


def _line_of_path(text: str, path: tuple[str, ...]) -> int:
    """The line that sets ``path`` (a table header, a key, or a dotted key in any table); else the line of its
    longest prefix that is set (the table of an unknown key, an inline table); 1 if none is."""
    table: tuple[str, ...] = ()
    best, best_length = 1, 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            table = full = _dotted(stripped.split("#", 1)[0].strip().strip("[]"))
        elif "=" in stripped and not stripped.startswith("#"):
            full = table + _dotted(stripped.split("=", 1)[0])
        else:
            continue
        if full == path:
            return number
        if best_length < len(full) < len(path) and path[: len(full)] == full:
            best, best_length = number, len(full)
    return best


def _read_config(path: Path) -> str | None:
    """The file's text, or None when there is none. A FIFO or a device (a symlink to /dev/zero) would block or
    never end, so only a regular file is read (symlinks are followed: dotfile managers make them), and at most
    ``MAX_CONFIG_BYTES``."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ConfigError(f"{path}: not a regular file")
        try:
            data = file.read(MAX_CONFIG_BYTES + 1)
        except OSError as error:
            raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024 // 1024} MB; a config file is a few lines")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text (byte {error.start})") from None


def load_config(path: Path | None = None) -> Config:
    """The config file, or an empty config when there is none."""
    path = path or config_path()
    text = _read_config(path)
    if text is None:
        return Config()
    import tomllib  # here: without a config file, a start need not import it (~2 ms)

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None

    def fail(table: str | None, key: str, problem: str) -> ConfigError:
        where = ("profiles", table, key) if table else (key,)
        return ConfigError(f"{path}:{_line_of_path(text, where)}: {'.'.join(where)}: {problem}")

    for key in document:
        if key not in TOP_FIELDS:
            raise fail(None, key, f"unknown setting (expected one of: {', '.join(sorted(TOP_FIELDS))})")
    profiles: dict[str, Profile] = {}
    raw_profiles = document.get("profiles", {})
    if not isinstance(raw_profiles, dict):
        raise fail(None, "profiles", "must be a table of profiles, like [profiles.NAME]")
    for name, values in raw_profiles.items():
        if problem := profile_name_problem(name):
            raise ConfigError(f"{path}:{_line_of_path(text, ('profiles', name))}: profiles: {problem}")
        if not isinstance(values, dict):
            raise fail(None, "profiles", f"{name!r} must be a table")
        profiles[name] = _profile(name, values, fail)
    default = _string(document, "default_profile", None, fail)
    if default is not None and default not in profiles:
        raise fail(None, "default_profile", f"no profile named {default!r}")
    keymap = document.get("keymap", {})
    if not isinstance(keymap, dict):
        raise fail(None, "keymap", 'must be a table, like [keymap] with lines such as "list.failures" = "F"')
    lines: dict[str, int] = {}
    for key_id, keys in keymap.items():
        lines[key_id] = _line_of_path(text, ("keymap", key_id))
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(f'{path}:{lines[key_id]}: keymap.{key_id}: must be a non-empty string of keys, like "F"')
    archive, archive_max_size = _archive_settings(document, fail)
    theme = _string(document, "theme", None, fail)
    return Config(path, profiles, default, theme, keymap, lines, archive, archive_max_size)


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
    api_key = _string(values, "api_key", name, fail)
    if api_key is not None:
        try:
            api_key = checked_api_key(api_key, "the key")
        except InvalidKeyError as error:
            raise fail(name, "api_key", str(error)) from None
    return Profile(
        name,
        base_url,
        api_key,
        _string(values, "api_key_env", name, fail),
        _string(values, "api_key_command", name, fail),
    )


def profile_key(profile: Profile, environ: Mapping[str, str] | None = None) -> str:
    """The profile's API key: as written, from the variable it names, or from the command's output (run bounded,
    detached from the terminal: see ``key_command``). ConfigError when it gives none or one that cannot be sent."""
    env = os.environ if environ is None else environ
    if profile.api_key:
        return profile.api_key
    try:
        if profile.api_key_env:
            source = f"profile {profile.name}: ${profile.api_key_env}"
            key = checked_api_key(env.get(profile.api_key_env, ""), source)
            if not key:
                raise ConfigError(f"{source} (its api_key_env) is not set")
            return key
        if profile.api_key_command:
            source = f"profile {profile.name}: the output of api_key_command"
            try:
                key = checked_api_key(run_key_command(profile.api_key_command), source)
            except KeyCommandError as error:
                raise ConfigError(f"profile {profile.name}: api_key_command {error}") from None
            if not key:
                raise ConfigError(f"{source} is empty")
            return key
    except InvalidKeyError as error:
        lines = " (print only the key, e.g. through | head -n 1)" if "lines" in str(error) else ""
        raise ConfigError(f"{error}{lines}") from None
    raise ConfigError(f"profile {profile.name} gives no key: add api_key, api_key_env or api_key_command")


def profile_in_use(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    profile: Profile | None = None,
    explicit_profile: bool = False,
) -> Profile | None:
    """Where the key and the URL come from: ``profile``, or None for the flags and the environment.

    A key goes only to the URL it was configured with. ``--profile NAME`` asked for that profile's server, so
    its key and URL are used together, whatever RIZA_API_KEY / RIZA_BASE_URL say (they are often exported for
    another server); with ``--api-key`` or ``--base-url`` it is refused. The default profile gives way to the
    flags and environment, but only to a whole pair: a key from them with the profile's URL, or the profile's
    key with their URL, is refused (ConfigError), since a warning would come after the key had been sent.
    """
    env = os.environ if environ is None else environ
    if profile is None:
        return None
    if explicit_profile:
        given = [flag for flag, value in (("--api-key", api_key), ("--base-url", base_url)) if value]
        if given:
            raise ConfigError(
                f"{' and '.join(given)} cannot be used with --profile: a profile's key goes only to its own URL"
            )
        return profile
    key_from = "--api-key" if api_key else "RIZA_API_KEY" if env.get("RIZA_API_KEY") else ""
    url_from = "--base-url" if base_url else "RIZA_BASE_URL" if env.get("RIZA_BASE_URL") else ""
    if not key_from and not url_from:
        return profile
    has_key = bool(profile.api_key or profile.api_key_env or profile.api_key_command)
    if key_from and not url_from and profile.base_url:
        raise ConfigError(
            f"{key_from} is set but the URL would come from profile {profile.name} "
            f"({display_url(profile.base_url)}); a key goes only to the URL it was configured with: "
            f"give {'--base-url' if key_from.startswith('--') else 'RIZA_BASE_URL'} too, or use --profile "
            f"{profile.name} for the profile's own key"
        )
    if url_from and not key_from and has_key:
        host = urlsplit(base_url or env.get("RIZA_BASE_URL", "")).hostname or "it"
        raise ConfigError(
            f"{url_from} is set but the key would come from profile {profile.name}; its key is not sent to {host}: "
            f"give {'--api-key' if url_from.startswith('--') else 'RIZA_API_KEY'} too, or use --profile "
            f"{profile.name} for the profile's own URL"
        )
    return None


def resolve_settings(
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    environ: Mapping[str, str] | None = None,
    profile: Profile | None = None,
    explicit_profile: bool = False,
) -> ClientSettings:
    """The flags over RIZA_API_KEY / RIZA_BASE_URL (empty values count as unset), or the profile: which of the
    two is ``profile_in_use``. A profile's key command runs only when the profile is the one used. Every key is
    validated where it is read (``checked_api_key``): InvalidKeyError or ConfigError, never the key."""
    env = os.environ if environ is None else environ
    used = profile_in_use(
        api_key=api_key, base_url=base_url, environ=env, profile=profile, explicit_profile=explicit_profile
    )
    if used is not None:
        key: str | None = profile_key(used, env)
        url = used.base_url or DEFAULT_BASE_URL
    else:
        given, source = (api_key, "the key") if api_key else (env.get("RIZA_API_KEY", ""), "RIZA_API_KEY")
        key = checked_api_key(given, source)
        url = base_url or env.get("RIZA_BASE_URL") or DEFAULT_BASE_URL
    return ClientSettings(
        api_key=key or None,
        base_url=url.rstrip("/"),
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
    )


def profile_settings(name: str, *, timeout: float | None = None, path: Path | None = None) -> ClientSettings:
    """The settings for switching to profile ``name`` while the app runs: its own key and URL (as ``--profile``
    gives them), ``api_key_env`` read from the real environment. Blocking: a key command may take seconds, so
    call it from a thread, not the event loop. ConfigError in one line, never the key."""
    config = load_config(path)
    if name not in config.profiles:
        known = ", ".join(sorted(config.profiles)) or "none"
        raise ConfigError(f"{config.path or config_path()}: no profile named {one_line(name)!r} (profiles: {known})")
    return resolve_settings(timeout=timeout, profile=config.profiles[name], explicit_profile=True)


def resolve_base_url(
    base_url: str | None, environ: Mapping[str, str], profile: Profile | None, *, explicit_profile: bool = False
) -> str:
    """Which server, as :func:`resolve_settings` would choose it, without asking for a key (``--offline``
    reads that server's archive): ``--profile NAME`` means its URL, else flags over the environment over the
    default profile."""
    profile_url = profile.base_url if profile is not None else None
    if explicit_profile and profile_url:
        return profile_url.rstrip("/")
    return (base_url or environ.get("RIZA_BASE_URL") or profile_url or DEFAULT_BASE_URL).rstrip("/")
