"""Command line: ``riza-tui [ID]`` opens the app, ``riza-tui show ID`` prints, ``riza-tui serve`` serves."""

from __future__ import annotations

import argparse
import asyncio
import difflib
import os
import re
import sys
from collections.abc import Coroutine, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from riza_tui.api.settings import ClientSettings, check_base_url
from riza_tui.cli.args import EXIT_USAGE, app_parser, diff_parser, list_parser, serve_parser, show_parser
from riza_tui.core.config import Config, ConfigError, Profile, config_path, load_config, resolve_settings

if TYPE_CHECKING:
    from riza_tui.tui.app import RizaApp

SUBCOMMANDS = ("show", "diff", "list", "serve")
# An execution ID (exec_01J…), or a URL or alert text holding one, has an underscore, a digit or a slash;
# a bare word without any ("shwo", "list") is a mistyped command, not a lookup.
ID_SHAPE = re.compile(r"[_0-9/:.]")


def _profile(options: argparse.Namespace, config: Config) -> Profile | None:
    """The profile asked for (--profile) or the config file's default; ConfigError when it cannot be had."""
    name = getattr(options, "profile", None) or config.default_profile
    if name is None:
        return None
    if name not in config.profiles:
        known = ", ".join(sorted(config.profiles)) or "none"
        raise ConfigError(f"{config.path or config_path()}: no profile named {name!r} (profiles: {known})")
    return config.profiles[name]


def _settings(options: argparse.Namespace) -> ClientSettings:
    """Flags over the environment over the profile; a bad RIZA_BASE_URL is a usage error like a bad --base-url."""
    try:
        config = load_config()
        profile = _profile(options, config)
        settings = resolve_settings(
            api_key=options.api_key, base_url=options.base_url, timeout=options.timeout, profile=profile
        )
    except ConfigError as error:
        raise SettingsError(str(error)) from None
    options.profile_name = profile.name if profile is not None else None
    options.theme = config.theme
    try:
        check_base_url(settings.base_url)
    except ValueError as error:
        raise SettingsError(f"RIZA_BASE_URL {error}") from None
    return settings


class SettingsError(Exception):
    """Settings from the environment that cannot work; reported like a bad flag."""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] == "serve":
            return _serve(serve_parser().parse_args(args[1:]))
        if args and args[0] == "show":
            return _show(show_parser().parse_args(args[1:]))
        if args and args[0] == "diff":
            return _connected(diff_parser().parse_args(args[1:]), "diff")
        if args and args[0] == "list":
            return _connected(list_parser().parse_args(args[1:]), "list")
        options = app_parser().parse_args(args)
    except SystemExit as leaving:  # argparse's own usage errors and --help
        return leaving.code if isinstance(leaving.code, int) else EXIT_USAGE
    word = options.execution_id
    if word is not None and not ID_SHAPE.search(word):
        nearest = difflib.get_close_matches(word, SUBCOMMANDS, n=1, cutoff=0.5)
        suggestion = f"; did you mean 'riza-tui {nearest[0]}'?" if nearest else f"; commands: {', '.join(SUBCOMMANDS)}"
        return _usage_error(f"{word!r} is neither a command nor an execution ID{suggestion}")
    if not sys.stdout.isatty() and not os.environ.get("TEXTUAL_DRIVER"):
        return _usage_error("stdout is not a terminal, so the app cannot start; for pipes use 'riza-tui show ID'")
    return _app(options)


def _usage_error(message: str) -> int:
    print(f"riza-tui: error: {message} (see riza-tui --help)", file=sys.stderr)
    return EXIT_USAGE


def _show(options: argparse.Namespace) -> int:
    return _connected(options, "show")


def _command(options: argparse.Namespace, command: str, settings: ClientSettings) -> Coroutine[Any, Any, int]:
    """The coroutine that runs ``command`` with ``settings`` (imported here: the app's start needs none)."""
    if command == "show":
        from riza_tui.cli.show import run_show

        return run_show(
            settings,
            options.execution_id,
            as_json=options.json,
            reveal_secrets=options.reveal_secrets,
            markdown=options.markdown,
            field=options.field,
            with_exit_status=options.exit_status,
            color=options.color,
        )
    from riza_tui.cli.diff import run_diff
    from riza_tui.cli.listing import run_list

    if command == "diff":
        return run_diff(settings, options.left, options.right, as_json=options.json, color=options.color)
    return run_list(settings, only_failures=options.failures, limit=options.limit, as_json=options.json)


def _connected(options: argparse.Namespace, command: str) -> int:
    """Run a command that talks to the API: with the flags and environment, or the bundled data (--demo)."""
    try:
        settings = _settings(options)
    except SettingsError as error:
        print(f"riza-tui {command}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if options.demo:
        from riza_tui.server.demo import demo_server

        with demo_server() as server:
            settings = ClientSettings.resolve(api_key=server.api_key, base_url=server.url, timeout=options.timeout)
            return asyncio.run(_command(options, command, settings))
    return asyncio.run(_command(options, command, settings))


def _serve(options: argparse.Namespace) -> int:
    from riza_tui.server.data import DataError, load_data
    from riza_tui.server.http import EmbeddedServer

    try:
        store = load_data(options.data)
    except DataError as error:
        print(f"riza-tui serve: {error}", file=sys.stderr)
        return 2
    try:
        server = EmbeddedServer(store, host=options.host, port=options.port, api_key=options.api_key, access_log=True)
    except OSError as error:
        print(f"riza-tui serve: cannot listen on {options.host}:{options.port}: {error}", file=sys.stderr)
        return 1
    if options.host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"warning: listening on {options.host}, not loopback: anyone who can reach it can read it", file=sys.stderr
        )
    print(f"Serving {len(store)} executions read-only on {server.url}")
    if options.api_key is None:
        print(f"API key (generated): {server.api_key}")
    print(f"Try: RIZA_BASE_URL={server.url} RIZA_API_KEY=<key> riza-tui", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _app(options: argparse.Namespace) -> int:
    from riza_tui.tui.app import RizaApp  # here, so that show and serve start without Textual

    if options.demo:
        from riza_tui.server.demo import demo_server

        with demo_server() as server:
            settings = ClientSettings.resolve(api_key=server.api_key, base_url=server.url, timeout=options.timeout)
            return _run(RizaApp(settings, initial_id=options.execution_id, demo=True, watch_seconds=options.watch or 0))
    try:
        settings = _settings(options)
    except SettingsError as error:
        return _usage_error(str(error))
    return _run(
        RizaApp(
            settings,
            initial_id=options.execution_id,
            watch_seconds=options.watch or 0,
            profile=options.profile_name,
            theme=options.theme,
        )
    )


def _run(app: RizaApp) -> NoReturn:
    """Run the app and end the process with its code (non-zero for an exit it did not choose: a crash, a
    signal). The terminal is restored when ``run`` returns; the interpreter's own teardown, freeing every
    object of a 50 MB execution, took another 0.25 s before the shell came back, so it is skipped."""
    app.run()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(app.return_code or 0)


if __name__ == "__main__":
    sys.exit(main())
