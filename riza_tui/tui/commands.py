"""The app's own commands in the command palette (ctrl+p), beside Textual's (theme, keys, quit).

A command is offered only when its key would work right now, so the palette never lists what would fail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from riza_tui.tui.messages import LookupRequested

# (title, help, action on the execution screen)
SCREEN_COMMANDS = [
    ("Failures only: toggle", "list only executions with a non-zero exit code (f)", "toggle_failures"),
    ("Watch for new executions: toggle", "poll the list's first page (W)", "toggle_watch"),
    ("Reload", "the list, or the execution, from the server (r)", "reload"),
    ("Copy the focused pane", "as shown, masked, to the clipboard over OSC 52 (y)", "copy_pane"),
    ("Copy the execution ID", "to the clipboard (Y)", "copy_id"),
    ("Open the focused pane in the pager", "$PAGER, or less -R (o)", "pager"),
    ("Open the focused pane in the editor", "$VISUAL or $EDITOR (e)", "editor"),
    ("Mark for comparison", "then open another execution and compare (m)", "mark"),
    ("Compare with the marked execution", "every part, unified or side by side (d)", "diff"),
    ("Compare with the last good run", "the newest earlier success of the same tool or code", "last_good"),
    ("Reveal or hide secrets", "env values, tokens, passwords (s)", "toggle_secrets"),
    ("Jump to the failing line", "in the code, from the traceback (t)", "failing_line"),
]


def _look_up(screen: Screen[None], execution_id: str) -> None:
    screen.post_message(LookupRequested(execution_id))


class RizaCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from riza_tui.tui.screens.execution import ExecutionScreen

        screen = self.screen
        if not isinstance(screen, ExecutionScreen):
            return []
        found: list[tuple[str, str, Callable[[], object]]] = []
        for title, help_text, action in SCREEN_COMMANDS:
            if screen.check_action(action, ()):
                found.append((title, help_text, partial(screen.run_action, action)))
        for execution_id in screen.history.entries[:20]:
            found.append((f"Look up {execution_id}", "from the history", partial(_look_up, screen, execution_id)))
        profiles: list[str] = getattr(self.app, "profile_names", list)()
        for name in profiles:
            switch = partial(self.app.run_action, f"switch_profile({name!r})")
            found.append((f"Switch profile: {name}", "reconnect with this profile's URL and key", switch))
        return found

    _found: list[tuple[str, str, Callable[[], object]]] | None = None

    def _offered(self) -> list[tuple[str, str, Callable[[], object]]]:
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
