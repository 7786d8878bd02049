"""What the app tests look at: the summary, panes, titles, which view is showing, what reaches a terminal."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual import events
from textual.command import CommandList
from textual.content import Content
from textual.geometry import Region
from textual.keys import _character_to_key
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import ContentSwitcher

from riza_tui.core.session import LookupState
from riza_tui.safety.sanitize import UNSAFE_CHARS
from riza_tui.tui.app import RizaApp
from riza_tui.tui.screens.list import ListScreen
from riza_tui.tui.widgets.summary import SummaryStrip
from riza_tui.tui.widgets.text_view import TextView
from riza_tui.tui.widgets.triage_table import TriageTable
from tests.conftest import settle

WIDE = (120, 40)


def lookup_of(app: RizaApp) -> LookupState:
    """Where the app's lookup stands (there is one once an execution was asked for)."""
    assert app.session.lookup is not None, "no execution was asked for"
    return app.session.lookup


def summary_of(app: RizaApp) -> str:
    return str(app.screen.query_one(SummaryStrip).render())


def pane(app: RizaApp, name: str) -> TextView:
    return app.screen.query_one(f"#{name}", TextView)


def title_of(markup: str | None) -> str:
    return Content.from_markup(markup or "").plain


def toasts(app: RizaApp) -> str:
    """The notifications on screen, as drawn."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


def shown(view: TextView) -> str:
    """A pane's text as it shows it (what y copies): escapes visible, colours dropped."""
    return view.shown_text()


def rendered_text(widget: Widget) -> str:
    """What a widget draws, line by line, through its real render path."""
    strips = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(strip.text.rstrip() for strip in strips)


def palette_hits(app: RizaApp) -> list[str]:
    """The command palette's hits as listed, with their help lines."""
    return [str(option.prompt) for option in app.screen.query_one(CommandList).options]


def screen_text(app: RizaApp) -> str:
    return app.export_screenshot().replace("&#160;", " ")


def body(app: RizaApp) -> str:
    """Which view is on screen: "list", or the execution screen's body ("detail", "raw" or "error")."""
    if isinstance(app.screen, ListScreen):
        return "list"
    return str(app.screen.query_one(ContentSwitcher).current)


async def focused_recent_list(app: RizaApp, pilot: Pilot[None]) -> TriageTable:
    """The app at rest on its list view, with the table focused so single keys reach it."""
    await settle(pilot)
    table = app.screen.query_one(TriageTable)
    table.focus()
    await pilot.pause()
    return table


def list_heading(app: RizaApp) -> str:
    """The line above the table: what is listed, how many loaded, watch mode, errors."""
    return str(app.screen.query_one("#list-heading").render())


def table_rows(app: RizaApp) -> list[str]:
    """The table as drawn: its header line and the rows on screen."""
    table = app.screen.query_one(TriageTable)
    return [table.render_line(y).text.rstrip() for y in range(table.scrollable_content_region.height)]


def fully_on_screen(app: RizaApp, name: str) -> bool:
    region = pane(app, name).region
    return pane(app, name).display and region.height >= 3 and app.screen.region.contains_region(region)


def assert_terminal_safe(text: str) -> None:
    assert not UNSAFE_CHARS.search(text), UNSAFE_CHARS.search(text)
    text.encode("utf-8")  # lone surrogates from JSON escapes would make the terminal write fail


def screen_is_encodable(app: RizaApp) -> str:
    """Draw the whole screen; a lone surrogate anywhere in it would break the terminal write, so it fails here."""
    screen = app.export_screenshot()
    screen.encode("utf-8")
    return screen


async def press_and_settle(pilot: Pilot[None], *keys: str) -> None:
    """Let the app finish loading, press ``keys``, and wait until everything they started is drawn."""
    await settle(pilot)
    await pilot.press(*keys)
    await settle(pilot)


class Arrivals:
    """A ``message_hook`` for ``run_test`` that lets a test wait for a kind of message to be handled, instead of
    pausing until it happens to have been (watch mode's worker never ends, so settling cannot wait for it)."""

    def __init__(self) -> None:
        self._events: dict[type[Message], asyncio.Event] = {}

    def __call__(self, message: Message) -> None:
        for kind, event in self._events.items():
            if isinstance(message, kind):
                event.set()

    async def until(self, kind: type[Message], condition: Callable[[], bool], pilot: Pilot[None]) -> None:
        """Wait for messages of ``kind`` until ``condition()`` holds once one has been handled and drawn."""
        event = self._events.setdefault(kind, asyncio.Event())
        while not condition():
            event.clear()
            await event.wait()
            await pilot.pause()


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` into whatever has focus as a terminal delivers a paste or a fast typist's keys: one real
    key event per character, in order, in one burst, then the app is waited on once. (``Pilot.press`` waits
    for the process to go idle after every key, ~80 ms each: typing an ID took 2.5 s of a test.)"""
    for character in text:
        event = events.Key(character if character.isalnum() else _character_to_key(character), character)
        event.set_sender(pilot.app)
        pilot.app.post_message(event)
    await pilot.pause()


async def run_from_palette(pilot: Pilot[None], command: str) -> None:
    """Open the palette, type ``command``, run the best match, and wait for what it started."""
    await pilot.press("ctrl+p")
    await type_text(pilot, command)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
