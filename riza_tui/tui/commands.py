"""The app's own commands in the command palette (ctrl+p), beside Textual's (theme, keys, quit).

They are made from the key table (each says its key, as remapped), plus a few that have no key. A command is
offered only when its key would work right now on the screen the palette was opened from, so the palette never
lists what would fail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.widget import Widget

from riza_tui.core.session import Session
from riza_tui.tui.keys import KEYS, SCREENS, current_keys
from riza_tui.tui.messages import LookupRequested

# Commands without a key: (screen, title, help, action on that screen)
KEYLESS = [
    ("execution", "Compare with the last good run", "the newest earlier success of the same tool or code", "last_good"),
    ("list", "Sync the archive: the last day", "fetch what the archive lacks of the last 24 h", "sync_day"),
    (
        "execution",
        "Copy the incident report",
        "Markdown: the execution, its failure group, what changed since the last good run (OSC 52)",
        "incident_report",
    ),
]
Command = tuple[str, str, Callable[[], object]]


def _look_up(screen: Screen[object], execution_id: str) -> None:
    screen.post_message(LookupRequested(execution_id))


def _works(node: Widget, action: str) -> bool:
    return node.check_action(action, ()) is not False


class RizaCommands(Provider):
    _found: list[Command] | None = None

    def _commands(self) -> list[Command]:
        screen = self.screen
        scope = getattr(screen, "KEY_SCOPE", "")
        session: Session | None = getattr(screen, "session", None)
        if session is None:
            return []
        found: list[Command] = []
        for key in KEYS:
            if not key.palette or key.id.split(".", 1)[0] not in SCREENS.get(scope, ()):
                continue
            node: Widget | None = screen.focused if key.id.startswith("pane.") else screen
            if node is None or not hasattr(node, f"action_{key.action}") or not _works(node, key.action):
                continue
            pressed = ", ".join(
                self.app.get_key_display(Binding(name, "")) for name in current_keys(key, session.keymap)
            )
            found.append((key.palette, f"{key.help} ({pressed})", partial(node.run_action, key.action)))
        for where, title, help_text, action in KEYLESS:
            if where == scope and _works(screen, action):
                found.append((title, help_text, partial(screen.run_action, action)))
        for execution_id in session.history.entries[:20]:
            found.append((f"Look up {execution_id}", "from the history", partial(_look_up, screen, execution_id)))
        profiles: list[str] = getattr(self.app, "profile_names", list)()
        for name in profiles:
            switch = partial(self.app.run_action, f"switch_profile({name!r})")
            found.append((f"Switch profile: {name}", "reconnect with this profile's URL and key", switch))
        return found

    def _offered(self) -> list[Command]:
        """Worked out once for each opening of the palette (profiles come from a file), not at every key."""
        if self._found is None:
            self._found = self._commands()
        return self._found

    async def discover(self) -> Hits:
        for title, help_text, callback in self._offered():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for title, help_text, callback in self._offered():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
