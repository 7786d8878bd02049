"""Script executions for the sample data: code as people write it, and what it printed."""

from __future__ import annotations

import json
import random
import re
from typing import Any

Details = dict[str, Any]
Made = tuple[str, Details]

CITIES = ["Oslo", "Lisbon", "Nairobi", "Osaka", "Lima", "Toronto", "Berlin", "Hanoi", "Austin", "Perth"]
PRODUCTS = ["widget", "gizmo", "sprocket", "flange", "gasket", "bracket"]


def script_run(language: str, code: str, stdout: str, stderr: str = "", exit_code: int = 0, **request: Any) -> Made:
    return language, {
        "type": "script",
        "request": {"language": language, "code": code, **request},
        "response": {"stdout": stdout, "stderr": stderr, "exit_code": exit_code},
    }


def csv_totals(rng: random.Random) -> Made:
    rows = [(rng.choice(PRODUCTS), rng.randint(1, 40), round(rng.uniform(2, 90), 2)) for _ in range(rng.randint(4, 9))]
    stdin = "product,qty,price\n" + "".join(f"{p},{q},{c}\n" for p, q, c in rows)
    totals: dict[str, float] = {}
    for product, qty, price in rows:
        totals[product] = round(totals.get(product, 0) + qty * price, 2)
    stdout = "".join(f"{name:<10} {value:>10.2f}\n" for name, value in sorted(totals.items()))
    code = """import csv
import sys
from collections import defaultdict

totals = defaultdict(float)
for row in csv.DictReader(sys.stdin):
    totals[row["product"]] += int(row["qty"]) * float(row["price"])

for name, value in sorted(totals.items()):
    print(f"{name:<10} {value:>10.2f}")
"""
    return script_run("python", code, stdout + f"TOTAL      {sum(totals.values()):>10.2f}\n", stdin=stdin)


def weather_fetch(rng: random.Random) -> Made:
    city = rng.choice(CITIES)
    temp = round(rng.uniform(-8, 34), 1)
    code = f"""import json
import os
import urllib.request

url = "https://api.openweathermap.org/data/2.5/weather?q={city}&units=metric"
with urllib.request.urlopen(url, timeout=5) as response:
    payload = json.load(response)

print(json.dumps({{"city": payload["name"], "temp_c": payload["main"]["temp"]}}))
"""
    key = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return script_run(
        "python",
        code,
        json.dumps({"city": city, "temp_c": temp}) + "\n",
        http={"allow": [{"host": "api.openweathermap.org", "auth": {"query": {"key": "appid", "value": key}}}]},
        limits={"execution_timeout": 10},
    )


def key_error(rng: random.Random) -> Made:
    field = rng.choice(["customer_id", "email", "amount_cents", "currency"])
    return order_without(field, {"id": f"ord_{rng.randint(10000, 99999)}", "items": rng.randint(1, 5)})


def order_without(field: str, order: dict[str, Any]) -> Made:
    """A script that charges an order and fails on the field the order does not have."""
    code = f"""import json
import sys

order = json.loads(sys.stdin.read())
print("processing order", order["id"])
charge = order["{field}"]
print("charged", charge)
"""
    stderr = f"""Traceback (most recent call last):
  File "/src/main.py", line 6, in <module>
    charge = order["{field}"]
             ~~~~~^^^^^^^^^^^^^
KeyError: '{field}'
"""
    return script_run("python", code, f"processing order {order['id']}\n", stderr, 1, stdin=json.dumps(order))


def missing_module(rng: random.Random) -> Made:
    module = rng.choice(["pandas", "numpy", "requests", "bs4"])
    code = f"import {module}\n\nprint({module}.__version__)\n"
    stderr = f"""Traceback (most recent call last):
  File "/src/main.py", line 1, in <module>
    import {module}
ModuleNotFoundError: No module named '{module}'
"""
    return script_run("python", code, "", stderr, 1)


def out_of_memory(rng: random.Random) -> Made:
    size = rng.choice([64, 128])
    code = """rows = []
for i in range(50_000_000):
    rows.append({"i": i, "square": i * i, "label": f"row-{i}"})
print(len(rows))
"""
    return script_run(
        "python", code, "", "Killed: process exceeded its memory limit\n", 137, limits={"memory_size": size}
    )


def timeout(rng: random.Random) -> Made:
    seconds = rng.choice([5, 10, 30])
    code = """import time

while True:
    time.sleep(1)
    print("still polling...", flush=True)
"""
    stdout = "still polling...\n" * (seconds - 1)
    stderr = f"execution timed out after {seconds}s\n"
    return script_run("python", code, stdout, stderr, 124, limits={"execution_timeout": seconds})


def js_summary(rng: random.Random) -> Made:
    numbers = [rng.randint(1, 500) for _ in range(rng.randint(5, 12))]
    code = """const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const sum = input.values.reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ count: input.values.length, sum, mean: sum / input.values.length }));
"""
    out = {"count": len(numbers), "sum": sum(numbers), "mean": sum(numbers) / len(numbers)}
    return script_run(
        "javascript", code, json.dumps(out, separators=(",", ":")) + "\n", stdin=json.dumps({"values": numbers})
    )


def js_type_error(rng: random.Random) -> Made:
    code = """const res = await fetch("https://api.example.com/v2/orders?status=open", {
  headers: { Authorization: `Bearer ${process.env.ORDERS_TOKEN}` },
});
const body = await res.json();
console.log(body.results.map((o) => o.id).join("\\n"));
"""
    stderr = """file:///src/main.js:5
console.log(body.results.map((o) => o.id).join("\\n"));
                         ^

TypeError: Cannot read properties of undefined (reading 'map')
    at file:///src/main.js:5:26
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)

Node.js v20.11.1
"""
    token = "tok_" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(24))
    return script_run(
        "javascript",
        code,
        "",
        stderr,
        1,
        env={"ORDERS_TOKEN": token, "NODE_ENV": "production"},
        http={"allow": [{"host": "api.example.com", "auth": {"bearer": {"token": token}}}]},
    )


def ts_stats(rng: random.Random) -> Made:
    scores = [rng.randint(40, 100) for _ in range(8)]
    code = """interface Summary {
  min: number;
  max: number;
  median: number;
}

function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return { min: sorted[0], max: sorted[sorted.length - 1], median: (sorted[mid - 1] + sorted[mid]) / 2 };
}

const scores: number[] = process.argv.slice(2).map(Number);
console.log(summarise(scores));
"""
    ordered = sorted(scores)
    stdout = f"{{ min: {ordered[0]}, max: {ordered[-1]}, median: {(ordered[3] + ordered[4]) / 2:g} }}\n"
    return script_run("typescript", code, stdout, args=[str(s) for s in scores])


def ts_bad_config(rng: random.Random) -> Made:
    code = """type Config = { endpoint: string; retries: number };

function load(raw: string): Config {
  return JSON.parse(raw) as Config;
}

const config = load(process.env.APP_CONFIG ?? "{}");
const host = new URL(config.endpoint).host;
console.log(`retrying ${config.retries} times against ${host}`);
"""
    stderr = """node:internal/url:775
    href = bindingUrl.parse(input, base);
                      ^

TypeError: Invalid URL
    at new URL (node:internal/url:775:36)
    at file:///src/main.ts:8:14
    at ModuleJob.run (node:internal/modules/esm/module_job:222:25)
    at async ModuleLoader.import (node:internal/modules/esm/loader:316:24) {
  code: 'ERR_INVALID_URL',
  input: 'undefined'
}

Node.js v20.11.1
"""
    retries = rng.randint(2, 5)
    return script_run("typescript", code, "", stderr, 1, env={"APP_CONFIG": json.dumps({"retries": retries})})


def ruby_slugs(rng: random.Random) -> Made:
    titles = rng.sample(["Hello World", "Riza & Ruby", "Ten Tips for TUIs", "Ünïcode Rocks", "Q3 Report"], 3)
    code = """ARGF.each_line do |line|
  slug = line.strip.downcase.gsub(/[^a-z0-9]+/, "-").gsub(/^-|-$/, "")
  puts slug
end
"""
    slugs = [re.sub(r"^-|-$", "", re.sub(r"[^a-z0-9]+", "-", t.lower())) for t in titles]
    return script_run("ruby", code, "\n".join(slugs) + "\n", stdin="\n".join(titles) + "\n")


def ruby_no_method(rng: random.Random) -> Made:
    code = """require "json"

config = JSON.parse(File.read("config.json"))
puts config["retries"].times.map { |i| "attempt #{i + 1}" }
puts config["backoff"].upcase
"""
    stderr = """main.rb:5:in `<main>': undefined method `upcase' for nil:NilClass (NoMethodError)

puts config["backoff"].upcase
                      ^^^^^^^
"""
    retries = rng.randint(1, 3)
    stdout = "".join(f"attempt {i + 1}\n" for i in range(retries))
    files = [{"path": "config.json", "contents": json.dumps({"retries": retries}, indent=2) + "\n"}]
    return script_run("ruby", code, stdout, stderr, 1, files=files)


def php_invoice(rng: random.Random) -> Made:
    amount = rng.randint(1000, 90000)
    code = """<?php
$invoice = json_decode(stream_get_contents(STDIN), true);
$total = array_sum(array_column($invoice['lines'], 'cents'));
printf("Invoice %s: %.2f %s\\n", $invoice['number'], $total / 100, $invoice['currency']);
"""
    number = f"INV-{rng.randint(1000, 9999)}"
    stdin = json.dumps({"number": number, "currency": "EUR", "lines": [{"cents": amount}]})
    return script_run("php", code, f"Invoice {number}: {amount / 100:.2f} EUR\n", stdin=stdin)


def php_division(rng: random.Random) -> Made:
    code = """<?php
$visits = (int) ($argv[1] ?? 0);
$signups = (int) ($argv[2] ?? 0);
echo "conversion: " . intdiv($signups * 100, $visits) . "%\\n";
"""
    stderr = """PHP Fatal error:  Uncaught DivisionByZeroError: Division by zero in /src/main.php:4
Stack trace:
#0 /src/main.php(4): intdiv(1200, 0)
#1 {main}
  thrown in /src/main.php on line 4
"""
    return script_run("php", code, "", stderr, 255, args=["0", str(rng.randint(1, 40))])


def with_files(rng: random.Random) -> Made:
    people = [
        {"name": n, "age": rng.randint(18, 80)} for n in rng.sample(["Ada", "Linus", "Grace", "Ken", "Barbara"], 3)
    ]
    code = """import json
from pathlib import Path

people = json.loads(Path("data/people.json").read_text())
template = Path("templates/greeting.txt").read_text()
for person in people:
    print(template.format(**person).strip())
"""
    files = [
        {"path": "data/people.json", "contents": json.dumps(people, indent=2) + "\n"},
        {"path": "templates/greeting.txt", "contents": "Hello {name}, you are {age}.\n"},
    ]
    stdout = "".join(f"Hello {p['name']}, you are {p['age']}.\n" for p in people)
    return script_run("python", code, stdout, files=files, runtime_revision_id=f"rtrev_{rng.randint(100000, 999999)}")


def coloured_tests(rng: random.Random) -> Made:
    failed = rng.random() < 0.4
    code = """import subprocess
import sys

sys.exit(subprocess.call(["pytest", "-q", "--color=yes", "tests/"]))
"""
    dots = "\x1b[32m.\x1b[0m" * rng.randint(8, 20)
    if failed:
        dots += "\x1b[31mF\x1b[0m"
        tail = (
            "\x1b[31m\x1b[1m___________ test_parse_amount ___________\x1b[0m\n"
            "    assert parse_amount('1,50') == 150\n"
            "\x1b[31mE   AssertionError: assert 15 == 150\x1b[0m\n"
            "\x1b[31m1 failed\x1b[0m, \x1b[32m14 passed\x1b[0m in 0.42s\n"
        )
    else:
        tail = "\x1b[32m15 passed\x1b[0m in 0.38s\n"
    return script_run("python", code, dots + "\n" + tail, exit_code=1 if failed else 0)


def terminal_tricks(rng: random.Random) -> Made:
    """Output that tries to drive the terminal: a title change, a clipboard write, a progress bar."""
    code = """import sys

sys.stdout.write("\\x1b]0;pwned\\x07")
sys.stdout.write("\\x1b]52;c;ZWNobyBoaQ==\\x07")
for pct in range(0, 101, 25):
    sys.stdout.write(f"\\rdownloading [{'#' * (pct // 10):<10}] {pct}%")
print()
print("[@click=app.quit]click me[/] \\u202egnp.exe")
"""
    bar = "".join(f"\rdownloading [{'#' * (pct // 10):<10}] {pct}%" for pct in range(0, 101, 25))
    stdout = "\x1b]0;pwned\x07\x1b]52;c;ZWNobyBoaQ==\x07" + bar + "\n[@click=app.quit]click me[/] \u202egnp.exe\n"
    return script_run("python", code, stdout)


def big_log(rng: random.Random) -> Made:
    """One large stdout (about 3 MB) so the viewer's big-text path shows in the demo."""
    code = """import logging
import random

logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s", level=logging.INFO)
log = logging.getLogger("etl")
for batch in range(40_000):
    log.info("batch=%d rows=%d latency_ms=%d", batch, random.randint(100, 999), random.randint(3, 80))
"""
    levels = ["INFO"] * 18 + ["WARNING", "ERROR"]
    lines = []
    for batch in range(40_000):
        level = rng.choice(levels)
        seconds = batch // 50
        stamp = f"2026-11-27 0{seconds // 3600 % 10}:{seconds // 60 % 60:02d}:{seconds % 60:02d},{batch % 1000:03d}"
        rows, latency = rng.randint(100, 999), rng.randint(3, 80)
        lines.append(f"{stamp} {level} etl batch={batch} rows={rows} latency_ms={latency}")
    return script_run("python", code, "\n".join(lines) + "\n", limits={"execution_timeout": 120, "memory_size": 512})


TEMPLATES = {
    "csv_totals": (csv_totals, 6),
    "weather_fetch": (weather_fetch, 4),
    "key_error": (key_error, 3),
    "missing_module": (missing_module, 2),
    "out_of_memory": (out_of_memory, 2),
    "timeout": (timeout, 1),
    "js_summary": (js_summary, 4),
    "js_type_error": (js_type_error, 2),
    "ts_stats": (ts_stats, 3),
    "ts_bad_config": (ts_bad_config, 2),
    "ruby_slugs": (ruby_slugs, 3),
    "ruby_no_method": (ruby_no_method, 2),
    "php_invoice": (php_invoice, 3),
    "php_division": (php_division, 2),
    "with_files": (with_files, 2),
    "coloured_tests": (coloured_tests, 2),
}
ONCE = [terminal_tricks, big_log]
