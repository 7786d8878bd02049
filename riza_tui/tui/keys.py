"""Every key of the app, written once: each widget's and screen's bindings, the key bar, the help screen and the
palette are all made from this table, so a key remapped in ``[keymap]`` shows the same everywhere.

A key has an id (``scope.name``) that ``config.toml`` can remap::

    [keymap]
    "list.failures" = "F"
    "pane.copy" = "c,ctrl+y"
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import KEY_NAME_REPLACEMENTS


@dataclass(frozen=True)
class Key:
    id: str
    keys: str
    action: str
    description: str
    help: str
    show: bool = True
    priority: bool = False
    palette: str = ""  # offered in the command palette under this title when its key would work


# Which scopes are active together, so that a remapped key is checked for clashes where it would meet another.
SCREENS = {
    "list": ("app", "list", "table"),
    "execution": ("app", "execution", "pane"),
    "diff": ("app", "diff", "pane"),
    "groups": ("app", "groups", "table"),
    "members": ("app", "members", "table"),
    "search": ("app", "search", "table"),
    "help": ("help",),
}
SCOPE_TITLES = {
    "list": "The list",
    "table": "Moving in the list",
    "execution": "One execution",
    "pane": "A pane (code, stdout, stderr, output…)",
    "diff": "Comparing two executions",
    "groups": "Failure groups",
    "members": "A group's executions",
    "search": "Searching the archive",
    "app": "Anywhere",
    "help": "This help",
}

KEYS: tuple[Key, ...] = (
    Key("app.quit", "ctrl+q", "app.quit", "Quit", "quit, from anywhere", show=False, priority=True),
    Key(
        "list.lookup",
        "ctrl+l",
        "focus_lookup",
        "Lookup",
        "the lookup bar: an ID, a dashboard or API URL, or alert "
        "text (typing any key that is not a list key starts it too; paste works anywhere)",
        priority=True,
    ),
    Key("list.filter", "slash", "filter", "Filter", "filter as you type: id, language, type, tool, exit code, error"),
    Key(
        "list.failures",
        "f",
        "toggle_failures",
        "Failures",
        "failures only / all, asked of the server",
        palette="Failures only: toggle",
    ),
    Key(
        "list.watch",
        "W",
        "toggle_watch",
        "Watch",
        "watch for new executions (--watch SECONDS sets how often)",
        palette="Watch for new executions: toggle",
    ),
    Key("list.reload", "r", "reload", "Reload", "load the list again from the server", palette="Reload the list"),
    Key(
        "list.back",
        "left_square_bracket,alt+left",
        "last_opened",
        "Last opened",
        "open the last execution opened again",
        show=False,
    ),
    Key("list.escape", "escape", "escape", "Clear", "clear the filter", show=False),
    Key(
        "list.groups",
        "i",
        "groups",
        "Groups",
        "failure groups in the archive: how many, which tools, since when, still happening",
        palette="Failure groups",
    ),
    Key(
        "list.search",
        "s",
        "search_archive",
        "Search",
        "search the archive's code, input, stdout, stderr and output",
        palette="Search the archive",
    ),
    Key("list.help", "question_mark", "help", "Keys", "this list of keys"),
    Key("list.quit", "q", "app.quit", "Quit", "quit (when not typing)"),
    Key("table.up", "up,k", "cursor(-1)", "Up", "the row above", show=False),
    Key("table.down", "down,j", "cursor(1)", "Down", "the row below", show=False),
    Key("table.page_up", "pageup", "page(-1)", "Page up", "a page up", show=False),
    Key("table.page_down", "pagedown", "page(1)", "Page down", "a page down", show=False),
    Key("table.first", "home,g", "jump(0)", "First", "the first row", show=False),
    Key("table.last", "end,G", "jump(-1)", "Last", "the last row loaded (loads more)", show=False),
    Key("table.open", "enter", "select", "Open", "open the highlighted execution", show=False),
    Key(
        "execution.lookup",
        "ctrl+l",
        "focus_lookup",
        "Lookup",
        "the lookup bar: another ID, URL or alert text",
        priority=True,
    ),
    Key(
        "execution.back",
        "escape",
        "back",
        "Back",
        "one step back: restore a zoom, end a search, cancel a lookup, back to the list",
        show=False,
    ),
    Key("execution.list", "b", "back_to_list", "List", "back to the list (its cursor and filter kept)"),
    Key(
        "execution.reload",
        "r",
        "reload",
        "Reload",
        "fetch the execution again from the server",
        palette="Reload the execution",
    ),
    Key(
        "execution.secrets",
        "s",
        "toggle_secrets",
        "Secrets",
        "reveal / hide masked secrets (env values, tokens, passwords), for this execution only",
        palette="Reveal or hide secrets",
    ),
    Key(
        "execution.raw",
        "j",
        "toggle_raw",
        "Raw JSON",
        "the raw JSON of the whole execution / back to panes",
        palette="Raw JSON: toggle",
    ),
    Key("execution.zoom", "z", "zoom", "Zoom", "zoom the focused pane to the whole screen, and back"),
    Key(
        "execution.failing_line",
        "t",
        "failing_line",
        "Failing line",
        "the failing line of the code, from the traceback",
        palette="Jump to the failing line",
    ),
    Key(
        "execution.trail_back",
        "left_square_bracket,alt+left",
        "trail(-1)",
        "Back",
        "the execution opened before this one",
        show=False,
    ),
    Key(
        "execution.trail_forward",
        "right_square_bracket,alt+right",
        "trail(1)",
        "Forward",
        "the execution opened after this one",
        show=False,
    ),
    Key(
        "execution.copy_id",
        "Y",
        "copy_id",
        "Copy ID",
        "copy the execution ID (OSC 52)",
        show=False,
        palette="Copy the execution ID",
    ),
    Key("execution.mark", "m", "mark", "Mark", "mark this execution for a comparison", palette="Mark for comparison"),
    Key(
        "execution.diff",
        "d",
        "diff",
        "Diff",
        "compare this execution with the marked one",
        palette="Compare with the marked execution",
    ),
    Key(
        "execution.group",
        "i",
        "open_group",
        "Group",
        "the executions of this failure's group",
        palette="Open this failure's group",
    ),
    Key("execution.help", "question_mark", "help", "Keys", "this list of keys"),
    Key("execution.quit", "q", "app.quit", "Quit", "quit (when not typing)"),
    Key("pane.search", "slash", "search", "Search", "search the focused pane as shown"),
    Key("pane.next", "n", "next_match(1)", "Next", "the next search match", show=False),
    Key("pane.previous", "N", "next_match(-1)", "Previous", "the previous search match", show=False),
    Key("pane.top", "g", "scroll_home", "Top", "the top of the pane", show=False),
    Key("pane.bottom", "G", "scroll_end", "Bottom", "the bottom of the pane", show=False),
    Key("pane.wrap", "w", "toggle_wrap", "Wrap", "soft wrap long lines (by terminal cells)"),
    Key(
        "pane.copy",
        "y",
        "copy",
        "Copy",
        "copy the pane as shown (masked, escapes visible) over OSC 52",
        palette="Copy the focused pane",
    ),
    Key(
        "pane.pager",
        "o",
        "pager",
        "Pager",
        "open the pane in $PAGER (less -R)",
        show=False,
        palette="Open the focused pane in the pager",
    ),
    Key(
        "pane.editor",
        "e",
        "editor",
        "Editor",
        "open the pane in $VISUAL / $EDITOR",
        show=False,
        palette="Open the focused pane in the editor",
    ),
    Key("diff.close", "escape,q", "close", "Back", "back to the execution"),
    Key("diff.toggle_layout", "tab,v", "toggle_layout", "Side by side / unified", "side by side or unified"),
    Key("groups.back", "escape,b", "back", "Back", "back to the list"),
    Key("groups.window", "w", "next_window", "Window", "the window: last day, week, 30 days, everything archived"),
    Key(
        "groups.diff",
        "d",
        "diff_last_good",
        "Diff last good",
        "compare the group's first failure with its last good run",
        palette="Compare the group's first failure with its last good run",
    ),
    Key("groups.reload", "r", "reload", "Reload", "sync the window from the server, then count again"),
    Key("groups.help", "question_mark", "help", "Keys", "this list of keys"),
    Key("members.back", "escape,b", "back", "Back", "back to the groups"),
    Key("members.help", "question_mark", "help", "Keys", "this list of keys"),
    Key("search.query", "slash", "edit_query", "Query", 'the query: words, "a phrase", stderr: code: input: …'),
    Key("search.back", "escape", "back", "Back", "back to the list"),
    Key("search.help", "question_mark", "help", "Keys", "this list of keys"),
    Key("help.close", "escape,q,question_mark", "close", "Close", "close this help"),
)
BY_ID = {key.id: key for key in KEYS}
KEY_NAME = re.compile(r"^(?:(?:ctrl|shift|alt|meta|super|hyper)\+)*(?:[a-z0-9_]+|[^\s,+])$", re.IGNORECASE)
# Keys Textual itself gives a meaning on every screen: a keymap may not take them.
RESERVED = {"tab": "moving focus", "shift+tab": "moving focus", "ctrl+p": "the command palette", "ctrl+c": "copy"}


def bindings(scope: str) -> list[BindingType]:
    """The ``BINDINGS`` of the widget or screen that owns ``scope``."""
    return [
        Binding(
            key.keys, key.action, key.description, show=key.show, priority=key.priority, id=key.id, tooltip=key.help
        )
        for key in KEYS
        if key.id.split(".", 1)[0] == scope
    ]


class KeymapError(ValueError):
    """A ``[keymap]`` entry that cannot work: ``key_id`` says which, the message what is wrong with it."""

    def __init__(self, key_id: str, message: str) -> None:
        super().__init__(message)
        self.key_id = key_id


def check_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """The keymap as Textual takes it, or KeymapError for an unknown id, a key that is no key, or a clash: two
    keys active on the same screen bound to one key."""
    for key_id, keys in keymap.items():
        if key_id not in BY_ID:
            near = [known for known in BY_ID if known.split(".")[-1] == key_id.split(".")[-1]]
            hint = (
                f"did you mean {', '.join(near)}?" if near else "ids look like list.failures, pane.copy; ? lists them"
            )
            raise KeymapError(key_id, f"no key has the id {key_id!r} ({hint})")
        for name in keys.split(","):
            if not KEY_NAME.match(name.strip()):
                raise KeymapError(key_id, f"{name.strip()!r} is not a key name (examples: F, ctrl+f, f5, space)")
            if key_name(name) in RESERVED:
                raise KeymapError(key_id, f"{name.strip()!r} is kept for {RESERVED[key_name(name)]}")
    for screen, scopes in SCREENS.items():
        owner: dict[str, str] = {}
        for key in KEYS:
            if key.id.split(".", 1)[0] not in scopes:
                continue
            for name in current_keys(key, keymap):
                other = owner.setdefault(name, key.id)
                if other != key.id:
                    remapped = key.id if key.id in keymap else other
                    raise KeymapError(remapped, f"{name!r} would be both {other} and {key.id} (on the {screen} screen)")
    return {key_id: ",".join(name.strip() for name in keys.split(",")) for key_id, keys in keymap.items()}


def current_keys(key: Key, keymap: Mapping[str, str]) -> list[str]:
    """The keys that press ``key`` now (its defaults, or what the keymap gives it), by Textual's names."""
    return [key_name(name) for name in keymap.get(key.id, key.keys).split(",")]


def is_printable_key(keys: str) -> bool:
    """Whether a binding's key types a character (an input takes it as text). Textual's own check misses some
    ("slash" is not mapped back to "/"), so this one spells names out as its keymap does."""
    first = keys.split(",")[0].strip()
    if "+" in first and len(first) > 1:
        return False
    if len(first) == 1:
        return first.isprintable()
    return any(key_name(char) == first for char in PRINTABLE_PUNCTUATION)


PRINTABLE_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ "


def key_name(name: str) -> str:
    """A key as Textual names it: "?" is "question_mark", "[" is "left_square_bracket" (as its keymap does)."""
    name = name.strip() or name
    if len(name) != 1 or name.isalnum():
        return name
    try:
        spelled = unicodedata.name(name).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return name
    return KEY_NAME_REPLACEMENTS.get(spelled, spelled)
