"""``riza-tui diff A B``: the app's comparison for scripts and pipes."""

from __future__ import annotations

import asyncio
from typing import TextIO

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import RizaError
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.output import BOLD, CYAN, DIM, GREEN, RED, paint, standard_streams, use_color
from riza_tui.cli.show import lacks_key, report_error
from riza_tui.core.compare import compare, diff_json, unified_lines
from riza_tui.safety.sanitize import one_line, sanitize

EXIT_SAME, EXIT_DIFFERENT, EXIT_TROUBLE = 0, 1, 2


async def run_diff(
    settings: ClientSettings,
    left_id: str,
    right_id: str,
    *,
    as_json: bool = False,
    color: str = "auto",
    streams: tuple[TextIO, TextIO] | None = None,
) -> int:
    """Print the difference of two executions; exit 0 when equal, 1 when they differ, 2 on errors (as diff(1))."""
    stdout, stderr = streams or standard_streams()
    if lacks_key(settings, stderr):
        return EXIT_TROUBLE
    async with RizaClient(settings) as client:
        try:
            left, right = await asyncio.gather(client.retrieve(left_id), client.retrieve(right_id))
        except RizaError as error:
            return report_error(error, stderr, EXIT_TROUBLE)
    parts = await asyncio.to_thread(compare, left, right)
    same = all(part.equal for part in parts)
    if as_json:
        stdout.write(diff_json(left.execution, right.execution, parts) + "\n")
        return EXIT_SAME if same else EXIT_DIFFERENT
    colored = use_color(color, stdout)
    stdout.write(paint(f"--- {one_line(left.execution.id)}", BOLD, color=colored) + "\n")
    stdout.write(paint(f"+++ {one_line(right.execution.id)}", BOLD, color=colored) + "\n")
    identical = [part.name for part in parts if part.equal]
    if identical:
        stdout.write(
            paint(f"{len(identical)} of {len(parts)} parts identical: {', '.join(identical)}", DIM, color=colored)
            + "\n"
        )
    for part in parts:
        if part.equal:
            continue
        stdout.write("\n" + paint(f"@@ {part.name} @@", CYAN, color=colored) + "\n")
        for line in unified_lines(part):
            style = (
                RED if line.startswith("-") else GREEN if line.startswith("+") else DIM if line.startswith("…") else ""
            )
            stdout.write(paint(sanitize(line), style, color=colored) + "\n")
    return EXIT_SAME if same else EXIT_DIFFERENT
