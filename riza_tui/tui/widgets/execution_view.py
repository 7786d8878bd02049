"""One execution drawn: the summary strip over a body that is the detail panes, the raw JSON, or an error.

All pane-filling happens in :meth:`ExecutionView.show`, which the execution screen's one watcher calls with what
the session says, as posting does with its response area.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ContentSwitcher

from riza_tui.api.json_text import pretty_json
from riza_tui.api.models import Execution, Fetched
from riza_tui.core.formatting import byte_size
from riza_tui.core.groups import FailureGroup
from riza_tui.core.session import LookupState
from riza_tui.core.view import archived_note, build_view, fetched_warnings, shown_execution
from riza_tui.safety.mask import mask_body_text
from riza_tui.safety.sanitize import safe_text
from riza_tui.tui.render.colors import Palette, palette_for
from riza_tui.tui.widgets.detail import DetailPane
from riza_tui.tui.widgets.error_panel import ErrorPanel
from riza_tui.tui.widgets.summary import SummaryStrip
from riza_tui.tui.widgets.text_view import TextView


def raw_text(fetched: Fetched, raw: dict[str, Any], *, reveal: bool) -> str:
    """The raw view's text: the JSON as parsed, or for a body too deep to read whole, the body exactly as it
    came (masked as text). Built in the splitting thread when the body is big."""
    if fetched.received is None:
        return pretty_json(raw)
    return fetched.received if reveal else mask_body_text(fetched.received)[0]


def why_raw(execution: Execution, palette: Palette) -> Text:
    if execution.details is None:
        return Text(" · the server sent no details for this execution", palette.warn)
    return Text.assemble((" · details of a type this version does not know: ", palette.warn), safe_text(execution.kind))


class ExecutionView(Vertical):
    def compose(self) -> ComposeResult:
        yield SummaryStrip(id="summary")
        with ContentSwitcher(initial="detail", id="body"):
            yield DetailPane(id="detail")
            yield TextView(id="raw", classes="pane")
            yield ErrorPanel(id="error")

    @property
    def showing(self) -> str:
        """Which body is showing: "detail", "raw" or "error"."""
        return str(self.query_one(ContentSwitcher).current)

    def show(
        self,
        state: LookupState | None,
        fetched: Fetched | None,
        *,
        reveal: bool,
        raw_mode: bool,
        group: FailureGroup | None = None,
    ) -> None:
        """``group``: the failure group of the execution, for the summary's group line."""
        summary = self.query_one(SummaryStrip)
        palette = palette_for(self.app)
        if state is None:
            summary.show_message(Text(""))
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
            self.query_one(ErrorPanel).show_lookup_error(state.error, state.execution_id, reveal=reveal)
            summary.show_message(Text(f"✖ {state.error.title}", palette.fail))
            self.query_one(ContentSwitcher).current = "error"
        elif state.phase == "loaded" and fetched is not None:
            try:
                self._show_execution(fetched, reveal=reveal, raw_mode=raw_mode, palette=palette, group=group)
            except Exception as error:  # a display bug of ours must cost one view, not the session
                self._show_display_failure(fetched, state.execution_id, error, palette)

    def _show_execution(
        self, fetched: Fetched, *, reveal: bool, raw_mode: bool, palette: Palette, group: FailureGroup | None
    ) -> None:
        execution, raw, secrets = shown_execution(fetched, reveal_secrets=reveal)
        self.query_one(SummaryStrip).show_execution(
            execution,
            secrets=secrets,
            revealed=reveal,
            palette=palette,
            warnings=[*fetched_warnings(fetched), *filter(None, [archived_note(fetched)])],
            group=group,
        )
        body = self.query_one(ContentSwitcher)
        view = build_view(execution)
        if raw_mode or not view.has_details:
            reason = Text("") if raw_mode else why_raw(execution, palette)
            title = Text.assemble(("raw JSON", "bold"), (f" · {byte_size(fetched.size)} as received", "dim"), reason)
            pane = self.query_one("#raw", TextView)
            pane.revealed = reveal
            pane.show_built_text(
                lambda: raw_text(fetched, raw, reveal=reveal), "json", size_hint=fetched.size, title=title
            )
            body.current = "raw"
        else:
            detail = self.query_one(DetailPane)
            detail.show_view(view, revealed=reveal)
            body.current = "detail"

    def _show_display_failure(self, fetched: Fetched, execution_id: str, error: Exception, palette: Palette) -> None:
        masked_json = pretty_json(shown_execution(fetched, reveal_secrets=False)[1])
        self.query_one(ErrorPanel).show_display_failure(error, execution_id, masked_json)
        self.query_one(SummaryStrip).show_message(Text("✖ could not display this execution", palette.fail))
        self.query_one(ContentSwitcher).current = "error"

    def result_pane(self, *, failed: bool) -> TextView | ErrorPanel:
        """Where the answer is: the pane that says why, the raw view, or the error panel."""
        showing = self.showing
        if showing == "detail":
            return self.query_one(DetailPane).why_pane(failed=failed)
        if showing == "raw":
            return self.query_one("#raw", TextView)
        return self.query_one(ErrorPanel)
