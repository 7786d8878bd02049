"""``riza-tui diff A B``: the app's comparison for scripts and pipes."""

from __future__ import annotations

import asyncio
from typing import TextIO

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import RizaError
from riza_tui.api.models import Fetched
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.archive_use import keep
from riza_tui.cli.output import BOLD, CYAN, DIM, GREEN, RED, paint, standard_streams, use_color
from riza_tui.cli.show import lacks_key, report_error
from riza_tui.core.archive import Archive
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
    archive: Archive | None = None,
) -> int:
    """Print the difference of two executions; exit 0 when equal, 1 when they differ, 2 on errors (as diff(1)).
    Both are kept in ``archive``."""
    stdout, stderr = streams or standard_streams()
    if lacks_key(settings, stderr):
        return EXIT_TROUBLE
    async with RizaClient(settings) as client:
        try:
            left, right = await asyncio.gather(client.retrieve(left_id), client.retrieve(right_id))
        except RizaError as error:
            return report_error(error, stderr, EXIT_TROUBLE)
    code = await print_diff(left, right, as_json=as_json, color=color, stdout=stdout)
    keep(archive, [left, right], stderr)
    return code


async def diff_offline(
    archive: Archive,
    server: str,
    left_id: str,
    right_id: str,
    *,
    as_json: bool = False,
    color: str = "auto",
    streams: tuple[TextIO, TextIO] | None = None,
) -> int:
    """``diff --offline``: the two archived copies compared. Their env values were masked before they were
    archived, so only the names of env variables can be compared (stderr says so)."""
    stdout, stderr = streams or standard_streams()
    copies = [archive.get(execution_id.strip()) for execution_id in (left_id, right_id)]
    missing = [one_line(name.strip()) for name, copy in zip((left_id, right_id), copies, strict=True) if copy is None]
    if missing:
        print(
            f"riza-tui: offline: not in the archive of {one_line(server)}: {', '.join(missing)}; fetch them online "
            "or run riza-tui sync",
            file=stderr,
        )
        return EXIT_TROUBLE
    print(
        f"riza-tui: offline: comparing archived copies from the archive of {one_line(server)} (env values are "
        "masked there: only their names are compared)",
        file=stderr,
    )
    left, right = (copy.fetched() for copy in copies if copy is not None)
    return await print_diff(left, right, as_json=as_json, color=color, stdout=stdout)


async def print_diff(left: Fetched, right: Fetched, *, as_json: bool, color: str, stdout: TextIO) -> int:
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
