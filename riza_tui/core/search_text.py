"""What of an execution is searched: the text of its panes, field by field, as the archive indexes it.

The same text goes into the full-text index and is scanned for a result's matching line, and it is the
text the panes show (stdin or the input as indented JSON, the output likewise), so a match found in the
index is found again by the pane's search when the execution is opened. The archive deletes a row from a
contentless index by giving the same values again: this function must stay deterministic, and a change to
it (``SEARCH_TEXT_VERSION``) means reindexing.
"""

from __future__ import annotations

from riza_tui.api.json_text import pretty_json
from riza_tui.api.models import Execution, FunctionDetails, ScriptDetails, ToolDetails
from riza_tui.core.search_query import FIELDS
from riza_tui.core.triage import error_line
from riza_tui.safety.sanitize import SGR_SEQUENCE

SEARCH_TEXT_VERSION = 1
# A field longer than this is indexed by its beginning and its end (where a traceback is): a 50 MB log
# would otherwise cost ~150 MB of trigram index for one execution. The pane's own search reads all of it.
FIELD_LIMIT = 1024 * 1024


def searchable_fields(execution: Execution) -> dict[str, str]:
    """``code, input, stdout, stderr, output, error`` of an execution, "" where it has none: what
    :func:`riza_tui.core.view.build_view` puts in those panes, without the rest of the view (a tenth the cost)."""
    details = execution.details
    code = given = output = ""
    if isinstance(details, ScriptDetails):
        code, given = details.request.code, details.request.stdin or ""
    elif isinstance(details, FunctionDetails | ToolDetails):
        code = details.request.code if isinstance(details, FunctionDetails) else ""
        given = pretty_json(details.request.input) if "input" in details.request.model_fields_set else ""
        output = pretty_json(details.response.output)
    result = execution.result
    stdout, stderr = (plain(result.stdout), plain(result.stderr)) if result is not None else ("", "")
    texts = dict(code=code, input=given, stdout=stdout, stderr=stderr, output=output)
    texts["error"] = error_line(stderr, stdout)
    return {name: bounded(texts[name]) for name in FIELDS}


def plain(stream: str) -> str:
    """A stream without its colour codes: they are styles on screen, not text to find."""
    return SGR_SEQUENCE.sub("", stream) if "\x1b" in stream else stream


def bounded(text: str) -> str:
    if len(text) <= FIELD_LIMIT:
        return text
    half = FIELD_LIMIT // 2
    return text[:half] + "\n" + text[-half:]
