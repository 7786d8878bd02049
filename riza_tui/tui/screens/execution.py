"""The execution screen: one execution, request beside response, pushed over the list.

The lookup's state lives in the session; the app's lookup worker changes it and posts ``LookupChanged``, whose
handler copies it into the ``state`` reactive. One watcher draws, for the three reactives (the state, secrets
revealed, raw mode), as posting does. The execution shown is read from the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.reactive import Reactive, var
from textual.screen import Screen
from textual.widget import Widget

from riza_tui.api.models import Fetched
from riza_tui.core.session import LookupState
from riza_tui.safety.sanitize import one_line, safe_text
from riza_tui.tui.keys import bindings
from riza_tui.tui.messages import (
    GroupHintChanged,
    GroupOfWanted,
    IncidentReportWanted,
    LastGoodWanted,
    LookupCancelled,
    LookupChanged,
    LookupRequested,
)
from riza_tui.tui.widgets.detail import DetailPane
from riza_tui.tui.widgets.execution_view import ExecutionView
from riza_tui.tui.widgets.key_bar import KeyBar
from riza_tui.tui.widgets.search_bar import SearchBar
from riza_tui.tui.widgets.text_view import TextView
from riza_tui.tui.widgets.top_bar import TopBar

if TYPE_CHECKING:
    from riza_tui.core.session import Session

WIDE_LAYOUT_COLUMNS = 120


class ExecutionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("execution")
    KEY_SCOPE = "execution"  # which keys of the key table are active here (help, palette)
    # Focus is placed by focus_result; auto-focus on resume could steal it from a result pane.
    AUTO_FOCUS = None
    # Textual's Screen.focused repaints the whole screen on every change (~36 KB at 120x40 over SSH); the
    # widgets that gain and lose focus repaint themselves, which is all that changes.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    state: var[LookupState | None] = var(None, init=False)
    reveal_secrets: var[bool] = var(False, init=False)
    raw_mode: var[bool] = var(False, init=False)

    def __init__(self, session: Session, *, leave: Callable[..., object]) -> None:
        """``leave(to_list=...)`` goes back at once (not by a message that would queue behind keys typed in the
        same burst: "b" then Enter must pick from the list)."""
        super().__init__()
        self.session = session
        self._leave = leave
        self.built = False  # composed and mounted: the news handlers have widgets to draw on
        self.set_reactive(ExecutionScreen.state, session.lookup)

    @property
    def fetched(self) -> Fetched | None:
        """The execution shown, from the store (which keeps it while it is shown)."""
        state = self.state
        return self.session.store.peek(state.execution_id) if state is not None and state.phase == "loaded" else None

    def compose(self) -> ComposeResult:
        value = self.state.execution_id if self.state is not None else ""
        yield TopBar(history=self.session.history, server_label=self.session.connection.label, value=value)
        yield ExecutionView()
        yield SearchBar()
        yield KeyBar()

    def on_mount(self) -> None:
        if self.app.return_code is not None:  # exiting before it was built (stdin at its end): nothing to draw
            return
        self.built = True
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw())
        self._draw()
        self.focus_result()
        self._take_pending_search()

    def reconnected(self) -> None:
        """Another profile: the header names the new server."""
        self.query_one(TopBar).show_server(self.session.connection.label)

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < WIDE_LAYOUT_COLUMNS, "-narrow")
        focused = self.focused
        if isinstance(focused, TextView):  # the layout changed under it: bring it back into view
            self.call_after_refresh(focused.scroll_visible, top=True, animate=False)

    # What the app's lookup worker reports -------------------------------------------------------------

    def on_lookup_changed(self, _message: LookupChanged) -> None:
        self.state = self.session.lookup

    def on_group_hint_changed(self, message: GroupHintChanged) -> None:
        """The state is the same (its redraw would end a pane search): only the summary learns its group."""
        if self.built and self.state is not None and self.state.execution_id == message.execution_id:
            self._draw()

    def watch_state(self, old: LookupState | None, new: LookupState | None) -> None:
        if (old and old.execution_id) != (new and new.execution_id):
            self.set_reactive(ExecutionScreen.reveal_secrets, False)  # revealing is for one execution only
        if not self.built:
            return
        if new is not None:
            self.query_one(TopBar).lookup.value = new.execution_id  # like an address bar: what is looked at
        self.query_one(SearchBar).end()
        self._draw()
        if new is not None and new.phase in ("loaded", "failed"):
            self.focus_result()
        self._take_pending_search()

    def _take_pending_search(self) -> None:
        """Opened from a search hit: once loaded (before or after this screen was built), search its pane."""
        state, pending = self.state, self.session.pending_search
        if state is not None and state.phase == "loaded" and pending is not None:
            self.session.pending_search = None
            self._search_where_it_matched(*pending)

    def _search_where_it_matched(self, pane_name: str, text: str) -> None:
        """Opened from a search hit: the pane that matched, searched for what matched."""
        panes = [pane for pane in self.query(TextView) if pane.id == pane_name and pane.display]
        if panes and text:
            self.set_focus(panes[0])
            self.query_one(SearchBar).begin(panes[0], text)

    def watch_reveal_secrets(self) -> None:
        if self.built:
            self._draw()

    def watch_raw_mode(self) -> None:
        if self.built:
            self._draw()

    def _draw(self) -> None:
        """The one place that draws the execution from the current state."""
        state = self.state
        group = self.session.group_hints.get(state.execution_id) if state is not None else None
        view = self.query_one(ExecutionView)
        view.show(state, self.fetched, reveal=self.reveal_secrets, raw_mode=self.raw_mode, group=group)
        self.refresh_bindings()

    def focus_result(self) -> None:
        """After a lookup, put focus where the answer is, so single-key bindings work at once (set_focus, not
        the deferred Widget.focus: keys typed right after Enter, b y /, are for the result)."""
        if self.state is None or self.state.phase not in ("loaded", "failed"):
            return
        fetched = self.fetched
        target = self.query_one(ExecutionView).result_pane(
            failed=fetched is not None and fetched.execution.exit_code != 0
        )
        self.set_focus(target, scroll_visible=False)
        if isinstance(target, TextView):  # scroll once the new content is laid out; before, its place is stale
            self.call_after_refresh(target.scroll_visible, top=True, animate=False)

    # Keys -------------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which keys work right now (the key bar and the palette show only those)."""
        phase = self.state.phase if self.state is not None else ""
        if action == "toggle_secrets":
            return phase in ("loaded", "failed")
        if action in ("toggle_raw", "copy_id", "mark"):
            return phase == "loaded"
        if action == "failing_line":
            return any(detail.has_failing_line for detail in self.query(DetailPane))
        if action == "last_good":
            return self.fetched is not None and self.fetched.execution.exit_code != 0
        if action == "diff":
            marked = self.session.marked_id
            return phase == "loaded" and bool(marked) and self.state is not None and marked != self.state.execution_id
        if action == "reload":
            return self.session.connection.has_key and self.state is not None
        if action == "open_group":
            return self.state is not None and self.state.execution_id in self.session.group_hints
        if action == "incident_report":
            return phase == "loaded"
        if action == "trail":
            trail = self.session.trail
            return trail.can_go_back if parameters == (-1,) else trail.can_go_forward
        return True

    def action_focus_lookup(self) -> None:
        """Like a browser's address bar: focused at once with its text selected, so typing replaces it."""
        lookup = self.query_one(TopBar).lookup
        self.set_focus(lookup)
        lookup.select_all()

    def action_back(self) -> None:
        """Escape steps back one level: restore a zoom, end a search, cancel a lookup, leave the execution."""
        if self.maximized is not None:
            self.minimize()
        elif self.query_one(SearchBar).end():
            pass
        elif self.state is not None and self.state.phase == "loading":
            self.post_message(LookupCancelled())
        else:
            self._go_back(to_list=False)

    def action_back_to_list(self) -> None:
        self._go_back(to_list=True)

    def _go_back(self, *, to_list: bool) -> None:
        if self.state is not None and self.state.phase == "loading":  # a late answer must not follow the user
            self.post_message(LookupCancelled(quiet=True))
        if self.maximized is not None:
            self.minimize()
        self._leave(to_list=to_list)

    def action_reload(self) -> None:
        if self.state is not None:
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
        if isinstance(widget, TextView) and self.state is not None:
            widget.border_subtitle = safe_text(self.state.execution_id, "bold")

    def action_failing_line(self) -> None:
        if self.maximized is not None:
            self.minimize()
        code = self.query_one(DetailPane).show_failing_line()
        if code is not None:
            self.set_focus(code)

    def action_trail(self, step: int) -> None:
        """Back and forward between opened executions."""
        trail = self.session.trail
        execution_id = trail.back() if step == -1 else trail.forward()
        if execution_id is not None:
            self.post_message(LookupRequested(execution_id, from_trail=True))

    def action_copy_id(self) -> None:
        if self.state is not None:
            shown = one_line(self.state.execution_id)  # a newline in an id would paste as a second command
            self.app.copy_to_clipboard(shown)
            self.notify(f"Copied the execution ID {shown}", markup=False)

    def action_mark(self) -> None:
        """``m``: this execution is the left side of the next comparison (``d``)."""
        if self.state is None:
            return
        if self.session.mark(self.state.execution_id):
            shown = one_line(self.state.execution_id)
            self.notify(f"Marked {shown}: open another execution and press d to compare", markup=False)
        else:
            self.notify("Unmarked")
        self.refresh_bindings()

    def action_diff(self) -> None:
        from riza_tui.tui.screens.diff import DiffScreen

        left = self.session.store.peek(self.session.marked_id)
        right = self.fetched
        if left is None or right is None:
            self.notify("Mark an execution (m), open another, then press d", severity="warning")
            return
        self.app.push_screen(DiffScreen(left, right, reveal_secrets=self.reveal_secrets))

    def action_last_good(self) -> None:
        self.post_message(LastGoodWanted())

    def action_open_group(self) -> None:
        if self.state is not None:
            self.post_message(GroupOfWanted(self.state.execution_id))

    def action_incident_report(self) -> None:
        self.post_message(IncidentReportWanted())

    def action_help(self) -> None:
        from riza_tui.tui.screens.help import HelpScreen  # not needed for the first screen

        self.app.push_screen(HelpScreen("execution", self.session.keymap))

    # The pane search bar ----------------------------------------------------------------------------

    def on_text_view_search_wanted(self, message: TextView.SearchWanted) -> None:
        self.query_one(SearchBar).begin(message.pane)

    def on_text_view_search_progress(self, message: TextView.SearchProgress) -> None:
        self.query_one(SearchBar).show_status(message.pane, message.status)

    def on_paste(self, event: events.Paste) -> None:
        """A paste outside an input (inputs take their own) is an ID or alert text to look up."""
        event.stop()
        self.query_one(TopBar).look_up_pasted(event.text)
