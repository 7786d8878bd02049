"""``riza-tui groups``: the window's failures grouped by signature, most recent first, or as JSON Lines.

One line a group: how many runs failed so in the window; whether the group is new in it (no earlier failure
of it is archived: said when nothing from before the window is); when it was first and last seen; which
tool or kind of execution; its representative error line. On a terminal the columns are aligned under a
heading and cut to its width; in a pipe they are tab-separated (times as ISO 8601), for ``cut`` and
``sort``. Exit 0 (no failures is an answer too), 2 when the archive cannot be read.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from riza_tui.cli.output import columns, short_time, terminal_width
from riza_tui.cli.reading import Reading, run_reading
from riza_tui.core.formatting import relative_age
from riza_tui.core.groups import FailureGroup, archived_before, groups, iso
from riza_tui.safety.sanitize import one_line

HEADER = ["COUNT", "NEW", "FIRST SEEN", "LAST SEEN", "AFFECTED", "ERROR"]


def group_row(group: FailureGroup, reading: Reading, *, terminal: bool) -> list[str]:
    if terminal:
        first = short_time(group.first_seen)
        last = relative_age(group.last_seen, reading.now)
    else:
        first, last = iso(group.first_seen), iso(group.last_seen)
    return [
        f"{group.count:>5}" if terminal else str(group.count),
        "new" if group.new_in_window else "",
        first,
        last,
        one_line(group.affected),
        one_line(group.error),
    ]


def print_groups(found: list[FailureGroup], reading: Reading, *, as_json: bool, stdout: TextIO) -> None:
    if as_json:
        for group in found:
            stdout.write(json.dumps(group.to_json(), ensure_ascii=True) + "\n")
        return
    width = terminal_width(stdout)
    rows = [group_row(group, reading, terminal=width is not None) for group in found]
    stdout.write("".join(line + "\n" for line in columns(rows, HEADER, width)))


def run_groups(options: argparse.Namespace) -> int:
    def answer(reading: Reading, stdout: TextIO, stderr: TextIO) -> int:
        found = groups(reading.archive, since=reading.since, now=reading.now)
        if not found:
            window = f"since {short_time(reading.since)}" if reading.since else "at all"
            print(f"riza-tui groups: no failures archived {window} ({one_line(reading.server)})", file=stderr)
            return 0
        print_groups(found, reading, as_json=options.json, stdout=stdout)
        if not archived_before(reading.archive, reading.since):
            print(
                "riza-tui groups: nothing is archived from before the window, so every group in it is new; "
                "riza-tui sync --since 30d keeps more history to tell",
                file=stderr,
            )
        return 0

    return run_reading(options, "groups", answer)
