"""Which server and key a command uses: flags over the environment over the profile, or the bundled data."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from riza_tui.api.settings import ClientSettings, InvalidKeyError, check_base_url
from riza_tui.cli.args import EXIT_USAGE
from riza_tui.core.config import (
    Config,
    ConfigError,
    Profile,
    config_path,
    load_config,
    profile_in_use,
    resolve_settings,
)


class SettingsError(Exception):
    """Settings from the environment that cannot work; reported like a bad flag."""


def chosen_profile(options: argparse.Namespace, config: Config) -> Profile | None:
    """The profile asked for (--profile) or the config file's default; ConfigError when it cannot be had."""
    name = getattr(options, "profile", None) or config.default_profile
    if name is None:
        return None
    if name not in config.profiles:
        known = ", ".join(sorted(config.profiles)) or "none"
        raise ConfigError(f"{config.path or config_path()}: no profile named {name!r} (profiles: {known})")
    return config.profiles[name]


def settings_for(options: argparse.Namespace) -> ClientSettings:
    """Flags over the environment, or the profile (never a key from one with the URL of the other); a bad
    RIZA_BASE_URL is a usage error like a bad --base-url. Sets ``options.profile_name`` (the profile used, if
    any), ``options.theme`` and ``options.config`` (its archive settings and keymap) from the config file."""
    explicit = bool(getattr(options, "profile", None))
    flags = {"api_key": options.api_key, "base_url": options.base_url}
    try:
        config = load_config()
        profile = profile_in_use(**flags, profile=chosen_profile(options, config), explicit_profile=explicit)
        settings = resolve_settings(**flags, timeout=options.timeout, profile=profile, explicit_profile=explicit)
    except (ConfigError, InvalidKeyError) as error:
        raise SettingsError(str(error)) from None
    options.profile_name = profile.name if profile is not None else None
    options.theme = config.theme
    options.config = config
    try:
        check_base_url(settings.base_url)
    except ValueError as error:
        raise SettingsError(f"RIZA_BASE_URL {error}") from None
    return settings


def checked_keymap(config: Config) -> dict[str, str]:
    """The config's [keymap], checked against the app's keys (ids, key names, clashes)."""
    if not config.keymap:
        return {}
    from riza_tui.tui.keys import KeymapError, check_keymap

    try:
        return check_keymap(config.keymap)
    except KeymapError as error:
        line = config.keymap_lines.get(error.key_id, 1)
        raise SettingsError(f"{config.path}:{line}: keymap.{error.key_id}: {error}") from None


def run_connected(
    options: argparse.Namespace, command: str, start: Callable[[ClientSettings], Coroutine[Any, Any, int]]
) -> int:
    """Run a command that talks to the API: with the flags and environment, or the bundled data (--demo)."""
    if options.demo:
        from riza_tui.server.demo import demo_server

        with demo_server() as server:
            settings = ClientSettings.resolve(api_key=server.api_key, base_url=server.url, timeout=options.timeout)
            return asyncio.run(start(settings))
    try:
        settings = settings_for(options)
    except SettingsError as error:
        print(f"riza-tui {command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(start(settings))
