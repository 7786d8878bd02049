"""Colour sequences (SGR, ``ESC [ … m``) from program output, rewritten so that they cannot hide text.

Output may colour itself, but not make itself invisible to the person reading it: SGR 8 (conceal) is dropped,
and a background that would equal the foreground (``ESC[31;41m``, ``38;5;16`` on ``40``, two truecolours a
shade apart) is reset to the terminal's default. A line's sequences are read in order, as a terminal reads
them, so a colour set by one sequence and matched by the next is caught too.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color

CONCEAL = 8
# Colours closer than this in every channel are taken as the same: text in them cannot be read.
SAME_COLOUR_DISTANCE = 16

Colour = tuple[int, int, int]


@dataclass
class SgrState:
    """The colours in force so far on a line (None: the terminal's default)."""

    foreground: Colour | None = None
    background: Colour | None = None


def visible_sgr(sequence: str, state: SgrState) -> str:
    """``sequence`` (a whole ``ESC [ … m``) without conceal and without a background equal to the foreground;
    "" when nothing of it is left (an empty ``ESC[m`` would mean a reset)."""
    params = _params(sequence[2:-1])
    if not params:  # ESC[m is a reset
        state.foreground = state.background = None
        return sequence
    kept: list[str] = []
    index = 0
    while index < len(params):
        taken, colour, target = _one(params, index)
        index += len(taken)
        if taken == [CONCEAL]:
            continue
        if target == "reset":
            state.foreground = state.background = None
        elif target == "foreground":
            state.foreground = colour
        elif target == "background":
            state.background = colour
        kept.append(";".join(str(number) for number in taken))
    if _same(state.foreground, state.background):
        kept.append("49")
        state.background = None
    return f"\x1b[{';'.join(kept)}m" if kept else ""


def _params(text: str) -> list[int]:
    """The numbers of an SGR, colon sub-parameters (``38:2::r:g:b``) flattened like their semicolon form."""
    numbers: list[int] = []
    for field in text.split(";"):
        parts = field.split(":")
        if len(parts) == 6 and parts[:2] in (["38", "2"], ["48", "2"]) and parts[2] == "":
            del parts[2]  # the empty colour-space id of ITU T.416
        numbers += [int(part) if part.isdigit() else 0 for part in parts]
    return numbers


def _one(params: list[int], index: int) -> tuple[list[int], Colour | None, str]:
    """The parameters of one attribute at ``index``, the colour it sets, and what it sets."""
    number = params[index]
    if number in (38, 48):
        target = "foreground" if number == 38 else "background"
        mode = params[index + 1] if index + 1 < len(params) else None
        if mode == 5 and index + 2 < len(params):
            return params[index : index + 3], _indexed(params[index + 2]), target
        if mode == 2 and index + 4 < len(params):
            red, green, blue = (min(value, 255) for value in params[index + 2 : index + 5])
            return params[index : index + 5], (red, green, blue), target
        return params[index : index + 1], None, "other"
    if number == 0:
        return [number], None, "reset"
    if 30 <= number <= 37 or 90 <= number <= 97:
        return [number], _indexed(number - 30 if number < 90 else number - 82), "foreground"
    if 40 <= number <= 47 or 100 <= number <= 107:
        return [number], _indexed(number - 40 if number < 100 else number - 92), "background"
    if number == 39:
        return [number], None, "foreground"
    if number == 49:
        return [number], None, "background"
    return [number], None, "other"


def _indexed(number: int) -> Colour:
    triplet = Color.from_ansi(min(number, 255)).get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def _same(foreground: Colour | None, background: Colour | None) -> bool:
    if foreground is None or background is None:
        return False
    return all(abs(a - b) < SAME_COLOUR_DISTANCE for a, b in zip(foreground, background, strict=True))
