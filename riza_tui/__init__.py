"""riza-tui: a terminal UI for inspecting executions of the Riza executions API."""

__version__ = "0.1.0"
