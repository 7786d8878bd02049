"""``riza-tui diff A B`` and ``riza-tui list``: the app's compare and list for scripts and pipes."""

from __future__ import annotations

import asyncio
import json
from typing import TextIO

from riza_tui.api.client import RizaClient
from riza_tui.api.config import ClientSettings
from riza_tui.api.errors import RizaError
from riza_tui.compare import compare, diff_json, unified_lines
from riza_tui.format import human_duration, local_time
from riza_tui.output import BOLD, CYAN, DIM, GREEN, RED, paint, standard_streams, use_color
from riza_tui.safety.mask import mask_execution
from riza_tui.safety.sanitize import one_line, sanitize
from riza_tui.show import lacks_key, report_error
from riza_tui.triage import exit_meaning

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


async def run_list(
    settings: ClientSettings,
    *,
    only_failures: bool = False,
    limit: int | None = None,
    as_json: bool = False,
    streams: tuple[TextIO, TextIO] | None = None,
) -> int:
    """Executions newest first, paging through the API until ``limit`` (or the end); JSON Lines with --json."""
    stdout, stderr = streams or standard_streams()
    if lacks_key(settings, stderr):
        return EXIT_TROUBLE
    printed = 0
    async with RizaClient(settings) as client:
        try:
            async for execution in client.iter_executions(only_failures=only_failures):
                if limit is not None and printed >= limit:
                    break
                if as_json:
                    masked, _ = mask_execution(execution.model_dump(mode="json", exclude_none=True))
                    stdout.write(json.dumps(masked, ensure_ascii=True) + "\n")
                else:
                    meaning = exit_meaning(execution.exit_code)
                    exit_text = f"{execution.exit_code} {meaning}".strip()
                    stdout.write(
                        "\t".join(
                            [
                                one_line(execution.id),
                                one_line(local_time(execution.started_at)),
                                one_line(execution.language),
                                human_duration(execution.duration),
                                exit_text,
                            ]
                        )
                        + "\n"
                    )
                printed += 1
        except RizaError as error:
            return report_error(error, stderr, EXIT_TROUBLE)
    return 0
