"""The floor for first useful paint: the least a Textual + httpx app can do to show one field of an execution.

``python bench/floor_app.py ID`` with ``RIZA_BASE_URL`` and ``RIZA_API_KEY`` set: one GET, ``json.loads``,
the first line of stdout drawn in a ``Static``. No models, no masking, no sanitising, no layout. Like
riza-tui, it skips loading the CA bundle for an http:// URL, so neither pays for TLS it does not use.

``--pydantic`` adds the one thing the stack mandates on top: validating the body with riza-tui's own
pydantic models before drawing (pydantic's import and schema build are most of what riza-tui adds).
"""

from __future__ import annotations

import json
import os
import sys

import httpx
from textual.app import App, ComposeResult
from textual.widgets import Static


class FloorApp(App[None]):
    def __init__(self, execution_id: str, *, validate: bool) -> None:
        super().__init__()
        self.execution_id = execution_id
        self.validate = validate

    def compose(self) -> ComposeResult:
        yield Static("loading…", id="field", markup=False)

    def on_mount(self) -> None:
        self.run_worker(self.fetch())

    async def fetch(self) -> None:
        headers = {"Authorization": f"Bearer {os.environ['RIZA_API_KEY']}"}
        base_url = os.environ["RIZA_BASE_URL"]
        verify = not base_url.startswith("http://")
        async with httpx.AsyncClient(base_url=base_url, headers=headers, verify=verify) as client:
            response = await client.get(f"/v1/executions/{self.execution_id}")
        execution = json.loads(response.content)
        if self.validate:
            from riza_tui.api.models import Execution

            Execution.model_validate(execution)
        stdout = execution["details"]["response"]["stdout"]
        self.query_one(Static).update(stdout.splitlines()[0])


if __name__ == "__main__":
    FloorApp(sys.argv[1], validate="--pydantic" in sys.argv).run()
