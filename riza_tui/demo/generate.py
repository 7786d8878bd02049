"""Generate the bundled sample data set, reproducibly: ``python -m riza_tui.demo.generate``.

The same seed gives byte-identical output, so the file in the wheel, the tests and the screenshots
all agree on which executions exist.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from riza_tui.demo import functions, incidents, scripts

SEED = 20261127
COUNT = 180
NEWEST = datetime(2026, 11, 27, 17, 45, 0, tzinfo=UTC)
OUTPUT = Path(__file__).with_name("executions.json.gz")
README_EXAMPLE_ID = "exec_01JZEKF4058RV89KQSRFD0GDKD"
ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _execution_id(rng: random.Random) -> str:
    return "exec_01J" + "".join(rng.choice(ULID_ALPHABET) for _ in range(23))


def record(rng: random.Random, started: datetime, language: str, details: dict[str, Any]) -> dict[str, Any]:
    """One execution as the API returns it, made of what a template made."""
    execution_id = _execution_id(rng)
    result = details["response"] if details["type"] == "script" else details["response"]["execution"]
    duration = rng.randint(2_000, 31_000) if result["exit_code"] == 124 else rng.randint(18, 2400)
    duration = result.get("duration", duration)  # an outbreak's maker knows how long a retry loop took
    return _shaped(execution_id, started, duration, language, details)


def _shaped(
    execution_id: str, started: datetime, duration: int, language: str, details: dict[str, Any]
) -> dict[str, Any]:
    result = details["response"] if details["type"] == "script" else details["response"]["execution"]
    result.update(id=execution_id, duration=duration)
    return {
        "id": execution_id,
        "language": language,
        "duration": duration,
        "exit_code": result["exit_code"],
        "started_at": started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "details": details,
    }


def readme_example() -> dict[str, Any]:
    """The execution whose incident report the README shows (and a test renders): the same whatever the
    seed draws, so the documentation stays true when the sample data is regenerated."""
    made = scripts.order_without("currency", {"id": "ord_47459", "items": 4})
    return _shaped(README_EXAMPLE_ID, datetime(2026, 11, 27, 8, 20, 57, tzinfo=UTC), 1400, *made)


def _unusual(rng: random.Random, started: list[datetime]) -> list[dict[str, Any]]:
    """An execution without details, and one of a details type newer than this client."""
    bare = {
        "id": _execution_id(rng),
        "language": "python",
        "duration": 41,
        "exit_code": 0,
        "started_at": started[0].isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    future = {
        "id": _execution_id(rng),
        "language": "typescript",
        "duration": 905,
        "exit_code": 0,
        "started_at": started[1].isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "region": "eu-west-1",
        "details": {
            "type": "workflow",
            "workflow_id": "wf_01JDNIGHTLYREPORT0000000",
            "steps": [
                {"name": "fetch", "tool_id": "tool_01JD7WEATHER00000000000000", "exit_code": 0},
                {"name": "summarise", "function": "summarise", "exit_code": 0},
            ],
            "request": {"input": {"date": "2026-11-26"}, "env": {"REPORT_TOKEN": "rpt_live_9f8e7d6c5b4a"}},
            "response": {"output": {"report_url": "https://reports.example.com/2026-11-26"}, "output_status": "valid"},
        },
    }
    return [bare, future]


def generate(seed: int = SEED, count: int = COUNT) -> list[dict[str, Any]]:
    """``count`` executions, newest first: every template at least once, the outbreaks of recurring failures,
    the README's example, the rest drawn by weight over the last seven days."""
    rng = random.Random(seed)
    catalogue = {**scripts.TEMPLATES, **functions.TEMPLATES}
    makers = [maker for maker, _ in catalogue.values()]
    weights = [weight for _, weight in catalogue.values()]
    recurring = incidents.outbreaks(rng, NEWEST)
    chosen = [maker for maker, _ in catalogue.values()]
    chosen += list(scripts.ONCE)
    chosen += rng.choices(makers, weights, k=count - len(chosen) - len(recurring) - 3)
    rng.shuffle(chosen)
    spread = len(chosen) + 2
    moments = sorted((NEWEST - timedelta(seconds=rng.randint(0, 7 * 86400)) for _ in range(spread)), reverse=True)
    moments[0] = NEWEST
    unusual_moments = [moments.pop(5), moments.pop(11)]
    records = [record(rng, moment, *maker(rng)) for maker, moment in zip(chosen, moments, strict=True)]
    records += [record(rng, moment, *made) for moment, made in recurring]
    records += [*_unusual(rng, unusual_moments), readme_example()]
    return sorted(records, key=lambda made: str(made["started_at"]), reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args()
    records = generate(options.seed, options.count)
    payload = json.dumps({"data": records}, indent=1, ensure_ascii=False).encode()
    options.output.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    print(f"wrote {len(records)} executions to {options.output} ({options.output.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
