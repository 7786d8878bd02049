"""The one main screen: lookup bar, summary strip, and a body that switches between the list and an execution.

All pane-filling happens in :meth:`ExecutionScreen._render_state`, called by the watchers of the three
reactives (lookup state, secrets revealed, raw mode), as posting does with its response area. The execution
shown is read from the store; the screen keeps only which one it is.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.reactive import Reactive, var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from riza_tui.api.errors import RizaError
from riza_tui.api.json_text import pretty_json
from riza_tui.api.models import Fetched
from riza_tui.core.formatting import byte_size
from riza_tui.core.history import LookupHistory
from riza_tui.core.session import LookupState
from riza_tui.core.store import ExecutionStore
from riza_tui.core.trail import Trail
from riza_tui.core.view import build_view, fetched_warnings, shown_execution
from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.messages import LastGoodWanted, LookupCancelled, LookupRequested, RecentRequested, WatchToggled
from riza_tui.tui.render.colors import palette_for
from riza_tui.tui.screens import hand_off
from riza_tui.tui.screens.execution_parts import NO_KEY_HELP, key_works, raw_text, why_raw
from riza_tui.tui.widgets.detail import DetailPane
from riza_tui.tui.widgets.error_panel import ErrorPanel
from riza_tui.tui.widgets.key_bar import KeyBar
from riza_tui.tui.widgets.lookup_bar import LookupBar
from riza_tui.tui.widgets.search_bar import SearchBar
from riza_tui.tui.widgets.summary import SummaryStrip
from riza_tui.tui.widgets.text_view import TextView
from riza_tui.tui.widgets.triage_list import TriageList

WIDE_LAYOUT_COLUMNS = 120


class ExecutionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "focus_lookup", "Lookup", priority=True),
        Binding("escape", "cancel", "Back", show=False),
        Binding("r", "reload", "Reload"),
        Binding("s", "toggle_secrets", "Secrets"),
        Binding("j", "toggle_raw", "Raw JSON"),
        Binding("z", "zoom", "Zoom"),
        Binding("t", "failing_line", "Failing line"),
        Binding("b", "back", "List"),
        Binding("f", "toggle_failures", "Failures"),
        Binding("W", "toggle_watch", "Watch"),
        Binding("left_square_bracket,alt+left", "trail(-1)", "Back", show=False),
        Binding("right_square_bracket,alt+right", "trail(1)", "Forward", show=False),
        Binding("y", "copy_pane", "Copy"),
        Binding("Y", "copy_id", "Copy ID", show=False),
        Binding("o", "pager", "Pager", show=False),
        Binding("e", "editor", "Editor", show=False),
        Binding("m", "mark", "Mark"),
        Binding("d", "diff", "Diff"),
        Binding("question_mark", "help", "Keys"),
        Binding("q", "app.quit", "Quit"),
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

    def __init__(
        self,
        store: ExecutionStore,
        *,
        initial_id: str = "",
        server_label: str = "",
        has_key: bool = True,
        history: LookupHistory | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.history = history or LookupHistory(None)
        self.trail = Trail()
        self.marked_id = ""
        self._initial_id = initial_id
        self._server_label = server_label
        self.has_key = has_key

    @property
    def fetched(self) -> Fetched | None:
        """The execution shown, from the store (which keeps it while it is shown)."""
        state = self.state
        return self.store.peek(state.execution_id) if state.phase == "loaded" else None

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield LookupBar(self._initial_id, history=self.history, id="lookup")
            yield Static(safe_text(self._server_label, "dim"), id="server")
        yield SummaryStrip(id="summary")
        with ContentSwitcher(initial="welcome", id="body"):
            yield TriageList(self.store, id="welcome")
            yield DetailPane(id="detail")
            yield TextView(id="raw", classes="pane")
            yield ErrorPanel(id="error")
        yield SearchBar()
        yield KeyBar()

    @property
    def triage(self) -> TriageList:
        return self.query_one(TriageList)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._render_state())
        self._render_state()
        if self.state.phase in ("loaded", "failed"):
            self.focus_result()
        elif self.has_key and not self._initial_id:
            self.set_focus(self.triage.table)  # the list's keys (f, /, ?, q) work from the first screen
        else:
            # At once: a deferred focus could land after a fast lookup's result took it.
            self.set_focus(self.query_one(LookupBar))

    def reconnected(self, server_label: str, *, has_key: bool) -> None:
        """Another profile: back to an empty list, the header naming the new server."""
        self.has_key = has_key
        self.marked_id = ""
        self.trail = Trail()
        self.query_one("#server", Static).update(safe_text(server_label, "dim"))
        self.state = LookupState()
        self.triage.table.rows_changed()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < WIDE_LAYOUT_COLUMNS, "-narrow")
        focused = self.focused
        if isinstance(focused, TextView):  # the layout changed under it: bring it back into view
            self.call_after_refresh(focused.scroll_visible, top=True, animate=False)

    def on_paste(self, event: events.Paste) -> None:
        """A paste outside an input (inputs take their own) is an ID or alert text to look up."""
        event.stop()
        lookup = self.query_one(LookupBar)
        self.set_focus(lookup)
        lookup.value = ""
        lookup.post_message(events.Paste(event.text))  # the bar takes the ID out of it

    def _show_list(self) -> None:
        self.query_one(SummaryStrip).display = False
        list_view = self.triage
        list_view.display = True
        if not self.has_key:
            list_view.show_no_key(NO_KEY_HELP)
        self.query_one(ContentSwitcher).current = "welcome"

    # The list ---------------------------------------------------------------------------------------

    def on_lookup_requested(self, message: LookupRequested) -> None:
        """Like an address bar, the lookup bar shows what is being looked at, however it was chosen."""
        self.query_one(LookupBar).value = message.execution_id
        if not message.from_trail:
            self.trail.visit(message.execution_id)

    def on_text_view_search_wanted(self, message: TextView.SearchWanted) -> None:
        self.query_one(SearchBar).begin(message.pane)

    def on_text_view_search_progress(self, message: TextView.SearchProgress) -> None:
        self.query_one(SearchBar).show_status(message.pane, message.status)

    def watch_only_failures(self, only_failures: bool) -> None:
        self.triage.only_failures = only_failures
        self.post_message(RecentRequested(only_failures))

    # One execution ------------------------------------------------------------------------------------

    def watch_state(self, old: LookupState, new: LookupState) -> None:
        if new.execution_id != old.execution_id:
            self.set_reactive(ExecutionScreen.reveal_secrets, False)  # revealing is for one execution only
        if not self.is_mounted:  # a deep-linked lookup starts before the screen is built; on_mount draws it
            return
        self.query_one(SearchBar).end()
        self._render_state()
        if new.phase in ("loaded", "failed"):
            self.focus_result()

    def watch_reveal_secrets(self) -> None:
        if self.is_mounted:
            self._render_state()

    def watch_raw_mode(self) -> None:
        if self.is_mounted:
            self._render_state()

    def _render_state(self) -> None:
        """The one place that fills the summary and body from the current state."""
        state = self.state
        palette = palette_for(self.app)
        summary = self.query_one(SummaryStrip)
        if state.phase == "idle":
            self._show_list()
            self.refresh_bindings()
            return
        summary.display = True
        if state.phase == "loading":
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
        elif state.phase == "loaded" and self.fetched is not None:
            try:
                self._show_execution(self.fetched)
            except Exception as error:  # a display bug of ours must cost one view, not the session
                self._show_display_failure(self.fetched, error)
        self.refresh_bindings()

    def _show_display_failure(self, fetched: Fetched, error: Exception) -> None:
        masked_json = pretty_json(shown_execution(fetched, reveal_secrets=False)[1])
        self.query_one(ErrorPanel).show_display_failure(error, self.state.execution_id, masked_json)
        self.query_one(SummaryStrip).show_message(
            Text("✖ could not display this execution", palette_for(self.app).fail)
        )
        self.query_one(ContentSwitcher).current = "error"

    def _show_execution(self, fetched: Fetched) -> None:
        execution, raw, secrets = shown_execution(fetched, reveal_secrets=self.reveal_secrets)
        palette = palette_for(self.app)
        self.query_one(SummaryStrip).show_execution(
            execution,
            secrets=secrets,
            revealed=self.reveal_secrets,
            palette=palette,
            warnings=fetched_warnings(fetched),
        )
        body = self.query_one(ContentSwitcher)
        view = build_view(execution)
        if self.raw_mode or not view.has_details:
            reason = Text("") if self.raw_mode else why_raw(execution, palette)
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
        self.query_one(ErrorPanel).show_lookup_error(error, execution_id, reveal=self.reveal_secrets)
        self.query_one(SummaryStrip).show_message(Text(f"✖ {error.title}", palette_for(self.app).fail))
        self.query_one(ContentSwitcher).current = "error"

    def focus_result(self) -> None:
        """After a lookup, put focus where the answer is, so single-key bindings work at once."""
        body = self.query_one(ContentSwitcher)
        if body.current == "detail":
            fetched = self.fetched
            failed = fetched is not None and fetched.execution.exit_code != 0
            target = self.query_one(DetailPane).why_pane(failed=failed)
            # At once, not deferred like Widget.focus(): keys typed right after Enter (b, y, /) are for the result.
            self.set_focus(target, scroll_visible=False)
            # Scroll once the new content is laid out; before that the pane's position is stale.
            self.call_after_refresh(target.scroll_visible, top=True, animate=False)
        elif body.current == "raw":
            self.set_focus(self.query_one("#raw", TextView))
        elif body.current == "error":
            self.set_focus(self.query_one(ErrorPanel))

    # Keys -------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return key_works(self, action, parameters)

    def action_focus_lookup(self) -> None:
        """Like a browser's address bar: focus it with the text selected, so typing replaces it."""
        lookup = self.query_one(LookupBar)
        # Focus now, not deferred like Widget.focus(): an ID typed or pasted in the same burst as ctrl+l
        # (as a fast typist or a paste over SSH sends it) must reach the lookup bar, not the old widget.
        self.set_focus(lookup)
        lookup.select_all()

    def action_cancel(self) -> None:
        """Escape steps back one level: restore a zoom, end a search, cancel a lookup, leave the execution."""
        if self.maximized is not None:
            self.minimize()
        elif self.query_one(SearchBar).end():
            pass
        elif self.state.phase == "loading":
            self.post_message(LookupCancelled())
        elif self.state.phase != "idle":
            self.action_back()

    def action_reload(self) -> None:
        if self.state.phase == "idle":
            self.post_message(RecentRequested(self.only_failures))
        elif self.state.execution_id:
            self.post_message(LookupRequested(self.state.execution_id, reload=True, from_trail=True))

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

    def watch_maximized(self, widget: Widget | None) -> None:
        """A zoomed pane names the execution in its bottom border: the summary is hidden behind it."""
        for pane in self.query(TextView):
            pane.border_subtitle = ""
        if isinstance(widget, TextView) and self.state.execution_id:
            widget.border_subtitle = safe_text(self.state.execution_id, "bold")

    def action_failing_line(self) -> None:
        if self.maximized is not None:
            self.minimize()
        code = self.query_one(DetailPane).show_failing_line()
        if code is not None:
            self.set_focus(code)

    def action_back(self) -> None:
        if self.state.phase == "loading":  # its late answer must not take the user away from the list
            self.post_message(LookupCancelled(quiet=True))
        if self.maximized is not None:
            self.minimize()
        self.state = LookupState()
        list_view = self.triage
        self.set_focus(list_view.table)  # at once, so Enter right after b picks from the list
        if not list_view.first_page_requested and self.has_key:  # opened on an ID: the list was never needed
            self.post_message(RecentRequested(self.only_failures))

    def action_trail(self, step: int) -> None:
        """Back and forward between opened executions; from the list, back to the last one opened."""
        if self.state.phase == "idle":
            execution_id = self.trail.current
        else:
            execution_id = self.trail.back() if step == -1 else self.trail.forward()
        if execution_id is not None:
            self.post_message(LookupRequested(execution_id, from_trail=True))

    def action_toggle_failures(self) -> None:
        self.only_failures = not self.only_failures

    def action_toggle_watch(self) -> None:
        self.post_message(WatchToggled())

    def action_copy_pane(self) -> None:
        hand_off.copy_pane(self)

    def action_copy_id(self) -> None:
        hand_off.copy_id(self)

    def action_pager(self) -> None:
        hand_off.open_in_pager(self)

    def action_editor(self) -> None:
        hand_off.open_in_editor(self)

    def action_mark(self) -> None:
        hand_off.mark(self)
        self.refresh_bindings()

    def action_diff(self) -> None:
        hand_off.diff_with_marked(self)

    def action_last_good(self) -> None:
        self.post_message(LastGoodWanted())

    def action_help(self) -> None:
        from riza_tui.tui.screens.help import HelpScreen  # not needed for the first screen

        self.app.push_screen(HelpScreen())
