"""Styles for what the app draws itself, from the theme's variables: they follow a light or dark theme,
and under NO_COLOR they become bold and reverse instead of colours (which NO_COLOR turns grey, some of
them near the background)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.style import Style
from textual.app import App
from textual.color import Color


@dataclass(frozen=True)
class Palette:
    ok: Style
    fail: Style
    warn: Style
    kind: Style
    muted: Style
    badge_ok: Style
    badge_fail: Style
    badge_warn: Style
    dark: bool = True

    def badge(self, status: str) -> Style:
        """The style of an output_status badge: valid, error, json_serialization_error, or one not known yet."""
        return {"valid": self.badge_ok, "error": self.badge_fail}.get(status, self.badge_warn)


NO_COLOR_PALETTE = Palette(
    ok=Style(bold=True),
    fail=Style(bold=True, reverse=True),
    warn=Style(bold=True, underline=True),
    kind=Style(bold=True),
    muted=Style(italic=True),
    badge_ok=Style(bold=True),
    badge_fail=Style(bold=True, reverse=True),
    badge_warn=Style(bold=True, underline=True),
)


def _badge(variables: dict[str, str], name: str) -> Style:
    background = Color.parse(variables[name])
    return Style(color=background.get_contrast_text().rich_color, bgcolor=background.rich_color, bold=True)


def palette_for(app: App[Any]) -> Palette:
    if app.no_color:
        return NO_COLOR_PALETTE
    variables = app.theme_variables
    return Palette(
        ok=Style(color=Color.parse(variables["success"]).rich_color, bold=True),
        fail=Style(color=Color.parse(variables["error"]).rich_color, bold=True),
        warn=Style(color=Color.parse(variables["warning"]).rich_color),
        kind=Style(color=Color.parse(variables["accent"]).rich_color, bold=True),
        muted=Style(dim=True),
        badge_ok=_badge(variables, "success"),
        badge_fail=_badge(variables, "error"),
        badge_warn=_badge(variables, "warning"),
        dark=app.current_theme.dark,
    )
