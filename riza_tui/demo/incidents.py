"""Recurring failures for the sample data, so ``--demo`` has something for a groups screen to show.

Each outbreak is one problem failing again and again over days: the same statement, messages that differ
in ids, numbers and durations, and code that moved by a few lines between deploys. The invoice tool fails
only from its new revision on, after days of good runs, and is still failing in the last hour; timeouts
and out-of-memory kills recur without a traceback.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from riza_tui.demo import scripts
from riza_tui.demo.functions import function_run, tool_run
from riza_tui.demo.scripts import Made, script_run

ULID = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
INVOICE_TOOL = "tool_01JDINVOICEPDF000000000000"
PAYMENTS_HEADERS = [
    "",
    'import logging\n\nlog = logging.getLogger("payments")\n',
    'import logging\n\nlog = logging.getLogger("payments")\n# retry budget: INC-2291\n',
]
PAYMENTS_CODE = """import json
import sys
import time
import urllib.error
import urllib.request
{header}
API = "https://payments.internal.example/v1"


def fetch_with_backoff(url, attempts={attempts}, base_delay=0.5):
    started = time.monotonic()
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code < 500:
                raise
            time.sleep(base_delay * 2**attempt)
    elapsed = time.monotonic() - started
    raise RuntimeError(f"gave up on {{url}} after {{attempts}} attempts in {{elapsed:.1f}}s")


order = json.loads(sys.stdin.read())
payment = fetch_with_backoff(f"{{API}}/payments/{{order['payment_id']}}")
print(order["id"], payment["status"])
"""
INVENTORY_HEADERS = [
    "",
    "const TIMEOUT_MS = 2500;\n\n",
    "/**\n * Stock level of one SKU, from the warehouse API.\n */\n",
]
INVENTORY_CODE = """const BASE = "https://inventory.internal.example/v2";
{header}
async function execute({{ sku }}) {{
  const started = Date.now();
  const res = await fetch(`${{BASE}}/stock/${{sku}}`);
  if (!res.ok) {{
    const [id, took] = [res.headers.get("x-request-id"), Date.now() - started];
    throw new Error(`stock lookup failed: status=${{res.status}} sku="${{sku}}" request_id=${{id}} after ${{took}}ms`);
  }}
  const body = await res.json();
  return {{ sku, available: body.available }};
}}
"""


def _ulid(rng: random.Random, prefix: str, length: int = 22) -> str:
    return prefix + "01J" + "".join(rng.choice(ULID) for _ in range(length))


def _line_of(code: str, text: str) -> int:
    return next(number for number, line in enumerate(code.splitlines(), 1) if text in line)


def _payments(rng: random.Random, progress: float, failed: bool) -> Made:
    version = min(int(progress * len(PAYMENTS_HEADERS)), len(PAYMENTS_HEADERS) - 1)
    attempts = 5 if version == 2 else 4
    code = PAYMENTS_CODE.format(header=PAYMENTS_HEADERS[version], attempts=attempts)
    order = {"id": f"ord_{rng.randint(10000, 99999)}", "payment_id": _ulid(rng, "pay_", 10)}
    if not failed:
        return script_run(
            "python", code, f"{order['id']} {rng.choice(['captured', 'authorized'])}\n", stdin=json.dumps(order)
        )
    url = f"https://payments.internal.example/v1/payments/{order['payment_id']}"
    elapsed = sum(0.5 * 2**attempt for attempt in range(attempts - 1)) + rng.uniform(0.2, 1.8)
    call = "payment = fetch_with_backoff(f\"{API}/payments/{order['payment_id']}\")"
    raised = 'raise RuntimeError(f"gave up on {url} after {attempts} attempts in {elapsed:.1f}s")'
    warnings = "".join(
        f"WARNING retry {attempt + 1}/{attempts}: HTTP {rng.choice([502, 503, 504])} from payments\n"
        for attempt in range(attempts)
    )
    stderr = f"""{warnings}Traceback (most recent call last):
  File "/src/main.py", line {_line_of(code, "payment = fetch_with_backoff")}, in <module>
    {call}
              {"^" * (len(call) - 10)}
  File "/src/main.py", line {_line_of(code, "raise RuntimeError")}, in fetch_with_backoff
    {raised}
RuntimeError: gave up on {url} after {attempts} attempts in {elapsed:.1f}s
"""
    made = script_run("python", code, "", stderr, 1, stdin=json.dumps(order))
    made[1]["response"]["duration"] = int(elapsed * 1000)
    return made


def payments_failed(rng: random.Random, progress: float) -> Made:
    return _payments(rng, progress, failed=True)


def payments_ok(rng: random.Random, progress: float) -> Made:
    return _payments(rng, progress, failed=False)


def inventory_failed(rng: random.Random, progress: float) -> Made:
    version = min(int(progress * len(INVENTORY_HEADERS)), len(INVENTORY_HEADERS) - 1)
    code = INVENTORY_CODE.format(header=INVENTORY_HEADERS[version])
    sku = f"SKU-{rng.randint(100, 999)}"
    request_id = "-".join("".join(rng.choice("0123456789abcdef") for _ in range(n)) for n in (8, 4, 4, 4, 12))
    status, took = rng.choice([502, 503, 504]), rng.randint(900, 2600)
    message = f'stock lookup failed: status={status} sku="{sku}" request_id={request_id} after {took}ms'
    stderr = f"""Error: {message}
    at execute (file:///src/main.js:{_line_of(code, "throw new Error")}:11)
    at async file:///src/runner.js:14:18
"""
    made = function_run("javascript", code, {"sku": sku}, None, "error", stderr=stderr, exit_code=1)
    made[1]["response"]["execution"]["duration"] = took + rng.randint(5, 40)
    return made


def _invoice_input(rng: random.Random) -> tuple[dict[str, Any], float]:
    """An invoice to render, and its total in euros."""
    cents = [rng.randint(500, 90000) for _ in range(rng.randint(1, 4))]
    lines = [{"sku": f"SKU-{rng.randint(100, 999)}", "cents": amount} for amount in cents]
    customer = {"id": _ulid(rng, "cus_", 9), "country": rng.choice(["DE", "FR", "NL", "AT"])}
    invoice = {"number": f"INV-{rng.randint(1000, 9999)}", "customer": customer, "currency": "EUR", "lines": lines}
    return invoice, sum(cents) / 100


def _invoice(invoice: dict[str, Any], output: Any, stderr: str, revision: str) -> Made:
    return tool_run(
        INVOICE_TOOL,
        invoice,
        output,
        "error" if stderr else "valid",
        stderr,
        1 if stderr else 0,
        revision_id=revision,
        env=[{"name": "PDF_API_KEY", "secret_id": "sec_01JDPDFKEY0000000000000000"}],
        http={
            "allow": [{"host": "pdf.example.com", "auth": {"bearer": {"secret_id": "sec_01JDPDFKEY0000000000000000"}}}]
        },
    )


def invoice_ok(rng: random.Random, progress: float) -> Made:
    invoice, _ = _invoice_input(rng)
    pdf = f"https://files.example.com/invoices/{invoice['number']}.pdf"
    return _invoice(invoice, {"invoice": invoice["number"], "pdf_url": pdf, "pages": rng.randint(1, 3)}, "", "rev_07")


def invoice_failed(rng: random.Random, progress: float) -> Made:
    """Revision 08 checks VAT ids, which no customer record has yet."""
    invoice, total = _invoice_input(rng)
    number, customer = invoice["number"], invoice["customer"]["id"]
    stderr = f"""Traceback (most recent call last):
  File "/src/runner.py", line 18, in <module>
    result = execute(json.load(sys.stdin))
  File "/src/main.py", line 31, in execute
    raise ValueError(f"invoice {{number}} for customer {{customer['id']}} needs a VAT id (total {{total:.2f}} EUR)")
ValueError: invoice {number} for customer {customer} needs a VAT id (total {total:.2f} EUR)
"""
    return _invoice(invoice, None, stderr, "rev_08")


def timed_out(rng: random.Random, progress: float) -> Made:
    return scripts.timeout(rng)


def killed(rng: random.Random, progress: float) -> Made:
    return scripts.out_of_memory(rng)


@dataclass(frozen=True)
class Outbreak:
    """``count`` runs of ``maker`` between ``start`` and ``end`` before the newest execution, the last one at
    ``end``; the maker is told how far through the window each run is (0 to 1), to move code between deploys."""

    maker: Callable[[random.Random, float], Made]
    count: int
    start: timedelta
    end: timedelta


HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
OUTBREAKS = [
    Outbreak(payments_failed, 10, 6 * DAY, 20 * HOUR),
    Outbreak(payments_ok, 6, 6.5 * DAY, 3 * HOUR),
    Outbreak(inventory_failed, 7, 5 * DAY, 2 * DAY),
    Outbreak(invoice_ok, 8, 7 * DAY, 2.2 * DAY),
    Outbreak(invoice_failed, 8, 2 * DAY, timedelta(minutes=12)),
    Outbreak(timed_out, 2, 6 * DAY, 5 * HOUR),
    Outbreak(killed, 2, 4 * DAY, 9 * HOUR),
]


def outbreaks(rng: random.Random, newest: datetime) -> list[tuple[datetime, Made]]:
    """Every run of every outbreak, with when it started."""
    runs = []
    for outbreak in OUTBREAKS:
        window = (outbreak.start - outbreak.end).total_seconds()
        offsets = sorted([0.0] + [rng.uniform(0, window) for _ in range(outbreak.count - 1)], reverse=True)
        for offset in offsets:
            progress = 1 - offset / window
            runs.append((newest - outbreak.end - timedelta(seconds=int(offset)), outbreak.maker(rng, progress)))
    return runs
