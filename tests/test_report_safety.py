"""``show --markdown`` is safe to paste: data outside the code fences is text, never Markdown or HTML (issue 16).

A backtick in the id closed the title's code span; language, unknown fields, hosts and args injected
``<img src=...>`` tracking pixels, links and raw ``<details>``. The report is rendered to HTML by a real
CommonMark renderer (markdown-it-py, with GitHub's tables, strikethrough and bare-URL links) and the HTML is
searched for what the data tried to make.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from markdown_it import MarkdownIt

from riza_tui.api.models import Execution
from riza_tui.cli.main import main
from riza_tui.core.report import markdown_report
from tests.loopback import Fault, ScriptedServer

PIXEL = "<img src=https://tracker.example/p.png>"
LINK = "[Re-run the job](https://evil.example/rerun)"
DETAILS = "<details><summary>ok</summary>hidden</details>"
HOSTILE_ID = f"exec_`{PIXEL}`_**bold**"


def hostile_record() -> dict[str, Any]:
    request = {
        "language": "python",
        "code": "import sys\nsys.exit(1)\n",
        "args": [LINK, PIXEL, "https://evil.example/autolink", "www.evil.example"],
        "env": {f"NAME_{DETAILS}": "x"},
        "http": {"allow": [{"host": f"api.example.com{PIXEL}"}, {"host": "[x](javascript:alert(1))"}]},
        "files": [{"name": f"notes{DETAILS}.txt", "contents": "plain"}],
        "stdin": "ok",
    }
    response = {"id": HOSTILE_ID, "duration": 5, "exit_code": 1, "stdout": "", "stderr": f"Error: {PIXEL} `x`"}
    return {
        "id": HOSTILE_ID,
        "language": f"python{PIXEL}",
        "duration": 5,
        "exit_code": 1,
        "started_at": "2026-11-28T08:00:00Z",
        f"unknown_{DETAILS}": f"{LINK} {PIXEL}",
        "[click](https://evil.example)": "<script>alert(1)</script>",
        "details": {"type": "script", "request": request, "response": response},
    }


def rendered(markdown: str) -> str:
    """The report as GitHub-like Markdown renders it: CommonMark with raw HTML, tables, bare-URL links."""
    renderer = MarkdownIt("commonmark", {"html": True, "linkify": True}).enable(["table", "strikethrough", "linkify"])
    return str(renderer.render(markdown))


def outside_fences(html_text: str) -> str:
    """The HTML without the code blocks, where anything is allowed because it is shown literally."""
    return re.sub(r"<pre><code[^>]*>.*?</code></pre>", "", html_text, flags=re.DOTALL)


def test_data_outside_the_fences_is_text_not_markdown_or_html() -> None:
    report = markdown_report(Execution.model_validate(hostile_record()))
    page = rendered(report)
    prose = outside_fences(page)
    for made in ("<img", "<a ", "<details", "<script", "<strong>bold", "<em>"):
        assert made not in prose, (made, prose[max(prose.find(made) - 200, 0) :][:400])
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert HOSTILE_ID in text, "the id is shown literally, backticks, pixel and all"
    assert f"python{PIXEL}" in text and "api.example.com" in text and "[Re-run the job]" in text


def test_the_title_code_span_holds_the_whole_id() -> None:
    page = rendered(markdown_report(Execution.model_validate(hostile_record())))
    title = re.search(r"<h1>(.*?)</h1>", page, flags=re.DOTALL)
    assert title is not None
    assert html.unescape(re.sub(r"<[^>]+>", "", title.group(1))).startswith(f"Execution {HOSTILE_ID} ")


def test_every_fence_outlasts_the_backticks_inside_it() -> None:
    record = hostile_record()
    record["details"]["request"]["code"] = "x = 1\n```\n<img src=x>\n````\n"
    page = rendered(markdown_report(Execution.model_validate(record)))
    assert "<img" not in outside_fences(page)


@pytest.mark.parametrize("blank_lines", [1, 3])
def test_a_failing_line_among_the_trailing_blank_lines_is_reported(
    server: ScriptedServer, capsys: pytest.CaptureFixture[str], blank_lines: int
) -> None:
    """A traceback may point past the last line with text (a blank line the code ends with)."""
    code = "import sys\nsys.exit(1)" + "\n" * blank_lines
    line = {1: 3, 3: 4}[blank_lines]  # the line after the last newline, or a blank line before it
    stderr = f'Traceback (most recent call last):\n  File "/src/main.py", line {line}, in <module>\nSystemExit: 1\n'
    record = hostile_record() | {"id": "exec_blank", "language": "python"}
    record["details"]["request"]["code"] = code
    record["details"]["response"] |= {"id": "exec_blank", "stderr": stderr}
    server.add_fault(Fault(200, json.dumps(record).encode(), path="/v1/executions/"))
    status = main(["show", "exec_blank", "--markdown", "--base-url", server.url, "--api-key", server.api_key])
    captured = capsys.readouterr()
    assert status == 0 and "Traceback" not in captured.err, captured.err
    assert f"fails at line {line}" in captured.out and "◀ fails here" in captured.out
    fenced = captured.out.split("```python\n", 1)[1].split("\n```", 1)[0].split("\n")
    assert fenced[line - 1].endswith("◀ fails here"), fenced


def test_the_report_of_the_bundled_failure_still_reads_as_before(server: ScriptedServer) -> None:
    """Escaping keeps ordinary values readable: the README's example comes out the same in the renderer."""
    record = next(r for r in server.data.records if r["id"] == "exec_01JZEKF4058RV89KQSRFD0GDKD")
    page = rendered(markdown_report(Execution.model_validate(record)))
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for visible in ("Execution exec_01JZEKF4058RV89KQSRFD0GDKD — exit 1 (error)", "KeyError: 'currency'", "1.40 s"):
        assert visible in text, visible
