"""The one main screen: lookup bar, summary strip, and a body that switches between views.

All pane-filling happens in :meth:`ExecutionScreen._render_state`, called by the watchers of the three
reactives (lookup state, secrets revealed, raw mode), as posting does with its response area.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import Reactive, var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from riza_tui.api.errors import InvalidResponseError, RizaError
from riza_tui.api.models import Execution, Fetched
from riza_tui.format import byte_size, pretty_json
from riza_tui.messages import LookupCancelled, LookupRequested, RecentRequested
from riza_tui.safety.mask import mask_body_text
from riza_tui.safety.sanitize import safe_text
from riza_tui.state import LookupState
from riza_tui.view import build_view, fetched_warnings, shown_execution
from riza_tui.widgets.detail import DetailPane
from riza_tui.widgets.error_panel import ErrorPanel
from riza_tui.widgets.key_bar import KeyBar
from riza_tui.widgets.lookup_bar import LookupBar
from riza_tui.widgets.palette import palette_for
from riza_tui.widgets.recent import RecentList
from riza_tui.widgets.summary import SummaryStrip
from riza_tui.widgets.text_view import TextView

WIDE_LAYOUT_COLUMNS = 120
NO_KEY_HELP = (
    "No API key is set, so nothing can be looked up yet.\n\n"
    "  export RIZA_API_KEY=<your key>      then run riza-tui again, or pass --api-key\n"
    "  riza-tui --demo                     to explore the bundled sample data\n"
)


def raw_text(fetched: Fetched, raw: dict[str, Any], *, reveal: bool) -> str:
    """The raw view's text: the JSON as parsed, or for a body too deep to read whole, the body exactly as it
    came (masked as text). Built in the splitting thread when the body is big."""
    if fetched.received is None:
        return pretty_json(raw)
    return fetched.received if reveal else mask_body_text(fetched.received)[0]


class ExecutionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "focus_lookup", "Lookup", priority=True),
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("r", "reload", "Reload"),
        Binding("s", "toggle_secrets", "Secrets"),
        Binding("j", "toggle_raw", "Raw JSON"),
        Binding("z", "zoom", "Zoom"),
        Binding("b", "back", "Recent"),
        Binding("f", "toggle_failures", "Failures only"),
        Binding("question_mark", "help", "Keys"),
    ]

    # Focus is placed by on_mount and focus_result; auto-focus on resume could steal it from a result pane.
    AUTO_FOCUS = None

    # Textual's Screen.focused repaints the whole screen on every change (~36 KB at 120x40 over SSH); the
    # widgets that gain and lose focus repaint themselves, which is all that changes.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    state: var[LookupState] = var(LookupState, init=False)
    reveal_secrets: var[bool] = var(False, init=False)
    raw_mode: var[bool] = var(False, init=False)
    only_failures: var[bool] = var(False, init=False)

    def __init__(self, *, initial_id: str = "", server_label: str = "", has_key: bool = True) -> None:
        super().__init__()
        self._initial_id = initial_id
        self._server_label = server_label
        self._has_key = has_key

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield LookupBar(self._initial_id, id="lookup")
            yield Static(safe_text(self._server_label, "dim"), id="server")
        yield SummaryStrip(id="summary")
        with ContentSwitcher(initial="welcome", id="body"):
            with Vertical(id="welcome"):
                yield Static(id="welcome-text")
                yield RecentList(id="recent")
            yield DetailPane(id="detail")
            yield TextView(id="raw", classes="pane")
            yield ErrorPanel(id="error")
        yield KeyBar()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._render_state())
        self._render_state()
        if self.state.phase in ("loaded", "failed"):
            self.focus_result()
        else:
            self.query_one(LookupBar).focus()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < WIDE_LAYOUT_COLUMNS, "-narrow")
        focused = self.focused
        if isinstance(focused, TextView):  # the layout changed under it: bring it back into view
            self.call_after_refresh(focused.scroll_visible, top=True, animate=False)

    def _show_welcome(self) -> None:
        text = Text()
        text.append("Paste an execution ID above and press Enter", "bold")
        text.append("  ·  ? keys  ·  ctrl+q quit\n", "dim")
        if self._has_key:
            text.append("Recent executions", "bold")
            text.append(" (newest first" + ("; failures only" if self.only_failures else "") + "; f toggles failures)")
        else:
            text.append("\n" + NO_KEY_HELP, palette_for(self.app).warn)
        self.query_one("#welcome-text", Static).update(text)
        self.query_one(RecentList).display = self._has_key
        self.query_one(SummaryStrip).show_message(Text("no execution open", "dim"))
        self.query_one(ContentSwitcher).current = "welcome"

    def show_recent_loading(self) -> None:
        self.query_one(RecentList).show_loading()

    def show_recent(self, executions: list[Execution], *, first_page: bool) -> None:
        self.query_one(RecentList).show_page(executions, first_page=first_page)

    def show_recent_error(self, message: str, *, first_page: bool) -> None:
        self.query_one(RecentList).show_error(message, first_page=first_page)

    def on_lookup_requested(self, message: LookupRequested) -> None:
        """Like an address bar, the lookup bar shows what is being looked at, however it was chosen."""
        self.query_one(LookupBar).value = message.execution_id

    def on_recent_list_more_wanted(self, message: RecentList.MoreWanted) -> None:
        message.stop()
        self.post_message(RecentRequested(self.only_failures, starting_after=message.starting_after))

    def watch_state(self, old: LookupState, new: LookupState) -> None:
        if new.execution_id != old.execution_id:
            self.set_reactive(ExecutionScreen.reveal_secrets, False)  # revealing is for one execution only
        if not self.is_mounted:  # a deep-linked lookup starts before the screen is built; on_mount draws it
            return
        self._render_state()
        if new.phase in ("loaded", "failed"):
            self.focus_result()

    def watch_reveal_secrets(self) -> None:
        if self.is_mounted:
            self._render_state()

    def watch_raw_mode(self) -> None:
        if self.is_mounted:
            self._render_state()

    def watch_only_failures(self, only_failures: bool) -> None:
        self._show_welcome()
        self.post_message(RecentRequested(only_failures))

    def _render_state(self) -> None:
        """The one place that fills the summary and body from the current state."""
        state = self.state
        palette = palette_for(self.app)
        summary = self.query_one(SummaryStrip)
        if state.phase == "idle":
            self._show_welcome()
        elif state.phase == "loading":
            # One still line, not a spinner over the body: over SSH an animation costs bytes every frame.
            summary.show_message(
                Text.assemble(
                    ("looking up ", "dim"), safe_text(state.execution_id, "bold"), ("…  Escape cancels", "dim")
                )
            )
        elif state.phase == "cancelled":
            summary.show_message(Text.assemble(("cancelled lookup of ", palette.warn), safe_text(state.execution_id)))
        elif state.phase == "failed" and state.error is not None:
            self._show_error(state.error, state.execution_id)
        elif state.phase == "loaded" and state.fetched is not None:
            try:
                self._show_execution(state)
            except Exception as error:  # a display bug of ours must cost one view, not the session
                self._show_display_failure(state, error)
        self.refresh_bindings()

    def _show_display_failure(self, state: LookupState, error: Exception) -> None:
        assert state.fetched is not None
        self.query_one(ErrorPanel).show_error(
            "Could not display this execution",
            f"riza-tui failed to lay it out ({type(error).__name__}: {error})",
            "the JSON below is what the server sent; please report this",
            state.execution_id,
            pretty_json(shown_execution(state.fetched, reveal_secrets=False)[1]),
        )
        self.query_one(SummaryStrip).show_message(
            Text("✖ could not display this execution", palette_for(self.app).fail)
        )
        self.query_one(ContentSwitcher).current = "error"

    def _show_execution(self, state: LookupState) -> None:
        fetched = state.fetched
        assert fetched is not None
        execution, raw, secrets = shown_execution(fetched, reveal_secrets=self.reveal_secrets)
        self.query_one(SummaryStrip).show_execution(
            execution,
            secrets=secrets,
            revealed=self.reveal_secrets,
            palette=palette_for(self.app),
            warnings=fetched_warnings(fetched),
        )
        body = self.query_one(ContentSwitcher)
        view = build_view(execution)
        if self.raw_mode or not view.has_details:
            reason = "" if self.raw_mode else self._why_raw(execution)
            title = Text.assemble(("raw JSON", "bold"), (f" · {byte_size(fetched.size)} as received", "dim"), reason)
            reveal = self.reveal_secrets
            self.query_one("#raw", TextView).show_built_text(
                lambda: raw_text(fetched, raw, reveal=reveal), "json", size_hint=fetched.size, title=title
            )
            body.current = "raw"
        else:
            self.query_one(DetailPane).show_view(view)
            body.current = "detail"

    def _show_error(self, error: RizaError, execution_id: str) -> None:
        """The error panel, with the body the server sent masked like every other view unless revealed."""
        raw = error.raw if isinstance(error, InvalidResponseError) else getattr(error, "body", None) or None
        note = ""
        if raw is not None and not self.reveal_secrets:
            raw, masked = mask_body_text(raw)
            note = f"{masked} secret-looking value{'s' if masked != 1 else ''} masked (s reveals)" if masked else ""
        elif raw is not None:
            note = "secrets REVEALED (s hides)"
        self.query_one(ErrorPanel).show_error(error.title, error.message, error.hint, execution_id, raw, raw_note=note)
        self.query_one(SummaryStrip).show_message(Text(f"✖ {error.title}", palette_for(self.app).fail))
        self.query_one(ContentSwitcher).current = "error"

    def _why_raw(self, execution: Execution) -> Text:
        warn = palette_for(self.app).warn
        if execution.details is None:
            return Text(" · the server sent no details for this execution", warn)
        return Text.assemble((" · details of a type this version does not know: ", warn), safe_text(execution.kind))

    def focus_result(self) -> None:
        """After a lookup, put focus where the answer is, so single-key bindings work at once."""
        body = self.query_one(ContentSwitcher)
        if body.current == "detail":
            detail = self.query_one(DetailPane)
            failed = self.state.fetched is not None and self.state.fetched.execution.exit_code != 0
            order = ("stderr", "output", "stdout") if failed else ("output", "stdout", "stderr")
            candidates = [detail.pane(name) for name in order]
            # A big pane is still being split (0 lines so far) but is the one with content: loading counts.
            target = next(
                (pane for pane in candidates if pane.display and (pane.line_count or pane.preparing)), candidates[-1]
            )
            target.focus(scroll_visible=False)
            # Scroll once the new content is laid out; before that the pane's position is stale.
            self.call_after_refresh(target.scroll_visible, top=True, animate=False)
        elif body.current == "raw":
            self.query_one("#raw", TextView).focus()
        elif body.current == "error":
            self.query_one(ErrorPanel).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        loaded = self.state.phase == "loaded"
        if action == "toggle_secrets":
            return loaded or self.state.phase == "failed"
        if action == "toggle_raw":
            return loaded
        if action == "reload":
            return bool(self.state.execution_id) and self.state.phase != "idle"
        if action == "toggle_failures":
            return self.query_one(ContentSwitcher).current == "welcome" and self._has_key
        if action == "back":
            return self.query_one(ContentSwitcher).current != "welcome"
        return True

    def action_focus_lookup(self) -> None:
        """Like a browser's address bar: focus it with the text selected, so typing replaces it."""
        lookup = self.query_one(LookupBar)
        # Focus now, not deferred like Widget.focus(): an ID typed or pasted in the same burst as ctrl+l
        # (as a fast typist or a paste over SSH sends it) must reach the lookup bar, not the old widget.
        self.set_focus(lookup)
        lookup.select_all()

    def action_cancel(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif self.state.phase == "loading":
            self.post_message(LookupCancelled())

    def action_reload(self) -> None:
        if self.state.execution_id:
            self.post_message(LookupRequested(self.state.execution_id))

    def action_toggle_secrets(self) -> None:
        self.reveal_secrets = not self.reveal_secrets
        self.notify("Secrets revealed" if self.reveal_secrets else "Secrets masked", timeout=2)

    def action_toggle_raw(self) -> None:
        self.raw_mode = not self.raw_mode
        self.focus_result()

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None and self.focused.allow_maximize:
            self.maximize(self.focused)

    def action_back(self) -> None:
        if self.state.phase == "loading":  # its late answer must not take the user away from the list
            self.post_message(LookupCancelled(quiet=True))
        self.state = LookupState()
        recent = self.query_one(RecentList)
        self.set_focus(recent)  # at once, so Enter right after b picks from the list
        if not recent.first_page_requested and self._has_key:  # opened on an ID: the list was never needed until now
            self.post_message(RecentRequested(self.only_failures))

    def action_toggle_failures(self) -> None:
        self.only_failures = not self.only_failures

    def action_help(self) -> None:
        from riza_tui.screens.help import HelpScreen  # not needed for the first screen

        self.app.push_screen(HelpScreen())
