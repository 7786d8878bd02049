"""``riza-tui list``: executions newest first, for scripts and pipes; from the archive with ``--offline``."""

from __future__ import annotations

import json
from typing import TextIO

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import RizaError
from riza_tui.api.models import Execution
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.archive_use import offline_summary
from riza_tui.cli.output import standard_streams
from riza_tui.cli.show import lacks_key, report_error
from riza_tui.core.archive import Archive
from riza_tui.core.formatting import human_duration, local_time
from riza_tui.core.triage import exit_text
from riza_tui.safety.mask import mask_execution
from riza_tui.safety.sanitize import one_line

EXIT_TROUBLE = 2


def list_line(execution: Execution, *, as_json: bool) -> str:
    """One execution as ``list`` prints it: tab-separated fields, or one masked JSON object."""
    if as_json:
        masked, _ = mask_execution(execution.model_dump(mode="json", exclude_none=True))
        return json.dumps(masked, ensure_ascii=True) + "\n"
    fields = [
        one_line(execution.id),
        one_line(local_time(execution.started_at)),
        one_line(execution.language),
        human_duration(execution.duration),
        exit_text(execution.exit_code),
    ]
    return "\t".join(fields) + "\n"


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
                stdout.write(list_line(execution, as_json=as_json))
                printed += 1
        except RizaError as error:
            return report_error(error, stderr, EXIT_TROUBLE)
    return 0


def list_offline(
    archive: Archive,
    server: str,
    *,
    only_failures: bool = False,
    limit: int | None = None,
    as_json: bool = False,
    streams: tuple[TextIO, TextIO] | None = None,
) -> int:
    """``list --offline``: the archived executions, newest first, printed as ``list`` prints the server's."""
    stdout, stderr = streams or standard_streams()
    print(f"riza-tui: offline: {offline_summary(archive, server)}", file=stderr)
    for printed, summary in enumerate(archive.iter_summaries(only_failures=only_failures)):
        if limit is not None and printed >= limit:
            break
        stdout.write(list_line(summary.execution(), as_json=as_json))
    return 0
