"""Function and tool executions for the sample data: inputs, returned outputs and their statuses."""

from __future__ import annotations

import random
import string
from typing import Any

from riza_tui.demo.scripts import CITIES, Made

Details = dict[str, Any]


def function_run(
    language: str,
    code: str,
    input_value: Any,
    output: Any,
    status: str = "valid",
    stdout: str = "",
    stderr: str = "",
    exit_code: int = 0,
    **request: Any,
) -> Made:
    return language, {
        "type": "function",
        "request": {"language": language, "code": code, "input": input_value, **request},
        "response": {
            "output": output,
            "output_status": status,
            "execution": {"stdout": stdout, "stderr": stderr, "exit_code": exit_code},
        },
    }


def _secret(rng: random.Random, prefix: str, length: int = 28) -> str:
    return prefix + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))


def order_total(rng: random.Random) -> Made:
    items = [
        {"sku": f"SKU-{rng.randint(100, 999)}", "qty": rng.randint(1, 4), "cents": rng.randint(199, 9999)}
        for _ in range(3)
    ]
    code = """def execute(input):
    subtotal = sum(item["qty"] * item["cents"] for item in input["items"])
    tax = round(subtotal * input.get("tax_rate", 0))
    print(f"subtotal={subtotal} tax={tax}")
    return {"subtotal_cents": subtotal, "tax_cents": tax, "total_cents": subtotal + tax}
"""
    subtotal = sum(int(str(i["qty"])) * int(str(i["cents"])) for i in items)
    tax = round(subtotal * 0.2)
    out = {"subtotal_cents": subtotal, "tax_cents": tax, "total_cents": subtotal + tax}
    return function_run(
        "python", code, {"items": items, "tax_rate": 0.2}, out, stdout=f"subtotal={subtotal} tax={tax}\n"
    )


def extract_emails(rng: random.Random) -> Made:
    names = rng.sample(["ana", "bo", "cy", "dee", "eli", "fay"], 3)
    text = " ".join(f"Contact {n} at {n}@example.org." for n in names)
    code = """function execute(input) {
  const matches = input.text.match(/[\\w.+-]+@[\\w-]+\\.[\\w.]+/g) ?? [];
  return { emails: [...new Set(matches.map((m) => m.replace(/\\.$/, "")))] };
}
"""
    return function_run("javascript", code, {"text": text}, {"emails": [f"{n}@example.org" for n in names]})


def ts_classify(rng: random.Random) -> Made:
    score = rng.randint(0, 100)
    code = """type Verdict = "low" | "medium" | "high";

function execute(input: { score: number }): { verdict: Verdict; score: number } {
  const verdict: Verdict = input.score > 70 ? "high" : input.score > 30 ? "medium" : "low";
  return { verdict, score: input.score };
}
"""
    verdict = "high" if score > 70 else "medium" if score > 30 else "low"
    return function_run("typescript", code, {"score": score}, {"verdict": verdict, "score": score})


def not_serialisable(rng: random.Random) -> Made:
    code = """from datetime import datetime, timedelta


def execute(input):
    start = datetime.fromisoformat(input["start"])
    return {"deadline": start + timedelta(days=input["days"])}
"""
    stderr = "TypeError: Object of type datetime is not JSON serializable\n"
    value = {"start": f"2026-11-{rng.randint(10, 27)}T09:00:00", "days": rng.randint(1, 30)}
    return function_run("python", code, value, None, "json_serialization_error", stderr=stderr)


def function_raises(rng: random.Random) -> Made:
    code = """function execute(input) {
  const rate = input.rates[input.currency];
  if (rate === undefined) {
    throw new Error(`no exchange rate for ${input.currency}`);
  }
  return { converted: input.amount * rate };
}
"""
    currency = rng.choice(["JPY", "CHF", "BRL"])
    stderr = f"""Error: no exchange rate for {currency}
    at execute (file:///src/main.js:4:11)
    at file:///src/runner.js:12:20
"""
    value = {"amount": rng.randint(5, 500), "currency": currency, "rates": {"EUR": 0.92, "GBP": 0.79}}
    return function_run("javascript", code, value, None, "error", stderr=stderr, exit_code=1)


def github_issues(rng: random.Random) -> Made:
    token = _secret(rng, "ghp_", 36)
    repo = rng.choice(["riza-io/riza", "textualize/textual", "encode/httpx"])
    count = rng.randint(0, 40)
    code = """import json
import os
import urllib.request


def execute(input):
    request = urllib.request.Request(
        f"https://api.github.com/repos/{input['repo']}/issues?state=open",
        headers={"Authorization": f"Bearer {os.environ['GITHUB_TOKEN']}"},
    )
    with urllib.request.urlopen(request) as response:
        issues = json.load(response)
    return {"repo": input["repo"], "open_issues": len(issues)}
"""
    return function_run(
        "python",
        code,
        {"repo": repo},
        {"repo": repo, "open_issues": count},
        env={"GITHUB_TOKEN": token, "LOG_LEVEL": "info"},
        http={
            "allow": [
                {"host": "api.github.com", "auth": {"bearer": {"token": token}}},
                {"host": "status.github.com"},
            ]
        },
        limits={"execution_timeout": 15, "memory_size": 256},
    )


def tool_run(
    tool_id: str,
    input_value: Any,
    output: Any,
    status: str = "valid",
    stderr: str = "",
    exit_code: int = 0,
    **request: Any,
) -> Made:
    return "python", {
        "type": "tool",
        "tool_id": tool_id,
        "request": {"input": input_value, **request},
        "response": {
            "output": output,
            "output_status": status,
            "execution": {"stdout": "", "stderr": stderr, "exit_code": exit_code},
        },
    }


def tool_weather(rng: random.Random) -> Made:
    city = rng.choice(CITIES)
    forecast = [{"day": d, "high_c": rng.randint(-5, 33), "rain_mm": round(rng.uniform(0, 12), 1)} for d in range(3)]
    return tool_run(
        "tool_01JD7WEATHER00000000000000",
        {"city": city, "days": 3},
        {"city": city, "forecast": forecast},
        revision_id=f"rev_{rng.randint(10, 14):02d}",
        env=[
            {"name": "WEATHER_API_KEY", "secret_id": "sec_01JD7WXKEY000000000000000"},
            {"name": "UNITS", "value": "metric"},
        ],
        http={
            "allow": [
                {"host": "api.open-meteo.com", "auth": {"bearer": {"secret_id": "sec_01JD7WXKEY000000000000000"}}}
            ]
        },
    )


def tool_crm_lookup(rng: random.Random) -> Made:
    email = f"{rng.choice(['maria', 'tom', 'li', 'sam'])}@{rng.choice(['acme.io', 'globex.com'])}"
    found = rng.random() < 0.8
    output = (
        {"email": email, "plan": rng.choice(["free", "team", "enterprise"]), "seats": rng.randint(1, 200)}
        if found
        else None
    )
    stderr = "" if found else f"LookupError: no CRM contact for {email}\n"
    return tool_run(
        "tool_01JD9CRMLOOKUP000000000000",
        {"email": email},
        output,
        "valid" if found else "error",
        stderr,
        0 if found else 1,
        env=[{"name": "CRM_PASSWORD", "value": _secret(rng, "pw-", 16)}, {"name": "CRM_USER", "value": "svc-riza"}],
        http={
            "allow": [
                {
                    "host": "crm.internal.example",
                    "auth": {"basic": {"user_id": "svc-riza", "password": _secret(rng, "", 20)}},
                },
                {"host": "search.example.com", "auth": {"query": {"key": "api_key", "value": _secret(rng, "sk_", 24)}}},
            ]
        },
    )


def tool_bad_return(rng: random.Random) -> Made:
    stderr = "TypeError: Object of type set is not JSON serializable\n"
    return tool_run(
        "tool_01JDATAGGREGATE0000000000", {"tags": ["a", "b", "a"]}, None, "json_serialization_error", stderr
    )


TEMPLATES = {
    "order_total": (order_total, 5),
    "extract_emails": (extract_emails, 3),
    "ts_classify": (ts_classify, 3),
    "not_serialisable": (not_serialisable, 2),
    "function_raises": (function_raises, 2),
    "github_issues": (github_issues, 2),
    "tool_weather": (tool_weather, 4),
    "tool_crm_lookup": (tool_crm_lookup, 3),
    "tool_bad_return": (tool_bad_return, 1),
}
