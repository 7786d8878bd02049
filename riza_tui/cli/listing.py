"""``riza-tui list``: executions newest first, for scripts and pipes."""

from __future__ import annotations

import json
from typing import TextIO

from riza_tui.api.client import RizaClient
from riza_tui.api.errors import RizaError
from riza_tui.api.settings import ClientSettings
from riza_tui.cli.output import standard_streams
from riza_tui.cli.show import lacks_key, report_error
from riza_tui.core.formatting import human_duration, local_time
from riza_tui.core.triage import exit_text
from riza_tui.safety.mask import mask_execution
from riza_tui.safety.sanitize import one_line

EXIT_TROUBLE = 2


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
                    stdout.write(
                        "\t".join(
                            [
                                one_line(execution.id),
                                one_line(local_time(execution.started_at)),
                                one_line(execution.language),
                                human_duration(execution.duration),
                                exit_text(execution.exit_code),
                            ]
                        )
                        + "\n"
                    )
                printed += 1
        except RizaError as error:
            return report_error(error, stderr, EXIT_TROUBLE)
    return 0
