"""Execution IDs out of whatever was pasted: an ID, a dashboard or API URL, or a line of alert text."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

EXECUTION_ID = re.compile(r"\bexec_[0-9A-Za-z]{6,}\b")
PLAIN_ID = re.compile(r"^[0-9A-Za-z_-]{1,200}$")


def extract_execution_id(text: str) -> str:
    """The execution ID in ``text``: an ``exec_…`` token anywhere, else a URL's ``/executions/<id>`` segment,
    else the text itself stripped (an ID of another shape is still worth asking the server for)."""
    text = text.strip()
    found = EXECUTION_ID.search(text)
    if found is not None:
        return found.group()
    for token in text.split():
        if "://" not in token:
            continue
        segments = [unquote(part) for part in urlsplit(token).path.split("/") if part]
        if "executions" in segments[:-1]:
            return segments[segments.index("executions") + 1]
    return text


def looks_like_id(text: str) -> bool:
    """One token of ID characters: what the history keeps (never a pasted sentence, a URL or a secret)."""
    return bool(PLAIN_ID.match(text))
