"""``riza-tui [ID]``: start the app, on the configured server or the bundled data, and end the process with it."""

from __future__ import annotations

import argparse
import sys
from contextlib import suppress
from typing import TYPE_CHECKING, NoReturn

from riza_tui.api.settings import ClientSettings
from riza_tui.cli.archive_use import offline_label, open_for_app, open_for_reading
from riza_tui.cli.args import EXIT_USAGE, usage_error
from riza_tui.cli.collector import resume_collector
from riza_tui.cli.connect import SettingsError, checked_keymap, settings_for
from riza_tui.core.archive import ArchiveUnavailable
from riza_tui.core.config import ConfigError
from riza_tui.safety.sanitize import one_line

if TYPE_CHECKING:
    from riza_tui.tui.app import RizaApp


def launch_app(options: argparse.Namespace) -> int:
    from riza_tui.tui.app import RizaApp  # here, so that show and serve start without Textual

    if options.offline:  # --demo --offline: the demo's archive, with no server started
        return _launch_offline(options)
    if options.demo:
        from riza_tui.server.demo import demo_server

        with demo_server() as server:
            settings = ClientSettings.resolve(api_key=server.api_key, base_url=server.url, timeout=options.timeout)
            archive, problem = open_for_app(options, settings)  # the demo's own archive, whatever the port
            app = RizaApp(
                settings,
                initial_id=options.execution_id,
                demo=True,
                watch_seconds=options.watch or 0,
                archive=archive,
                archive_problem=problem,
            )
            return run_to_exit(app)
    try:
        settings = settings_for(options)
        keymap = checked_keymap(options.config)
    except SettingsError as error:
        return usage_error(str(error))
    archive, problem = open_for_app(options, settings)
    app = RizaApp(
        settings,
        initial_id=options.execution_id,
        watch_seconds=options.watch or 0,
        profile=options.profile_name,
        theme=options.theme,
        keymap=keymap,
        archive=archive,
        archive_problem=problem,
    )
    return run_to_exit(app)


def _launch_offline(options: argparse.Namespace) -> int:
    """The app on the archive alone: nothing is sent anywhere, and no key is looked for."""
    from riza_tui.tui.app import RizaApp

    if options.no_archive:
        return usage_error("--offline reads the archive: drop --no-archive")
    try:
        archive, server = open_for_reading(options)
        label = offline_label(archive, "demo data" if options.demo else server)
        keymap = checked_keymap(options.config) if getattr(options, "config", None) else {}
    except (ConfigError, SettingsError) as error:
        return usage_error(one_line(str(error)))
    except ArchiveUnavailable as error:
        print(f"riza-tui: offline: {one_line(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    app = RizaApp(
        ClientSettings(),
        initial_id=options.execution_id,
        demo=bool(options.demo),  # the demo's windows count back from its newest execution
        server_label=label,
        profile=getattr(options, "profile_name", None),  # (the demo's archive has none)
        theme=options.config.theme if getattr(options, "config", None) else None,
        keymap=keymap,
        archive=archive,
        offline=True,
    )
    return run_to_exit(app)


def run_to_exit(app: RizaApp) -> NoReturn:
    """Run the app and end the process with its code (non-zero for an exit it did not choose: a crash, a
    signal), after the final-exit callbacks. The terminal is restored when ``run`` returns; the
    interpreter's own teardown, freeing every object of a 50 MB execution, took another 0.25 s before the
    shell came back, so it is skipped. A terminal that goes away ends the process too (``guard_terminal``)."""
    from riza_tui.tui.terminal import end_process, guard_terminal

    guard_terminal()
    resume_collector()
    app.run()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError):  # the terminal may be gone
            stream.flush()
    end_process(app.return_code or 0, restore=False)
