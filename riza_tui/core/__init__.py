"""The UI-free core: the session, the store, what an execution shows, triage, comparison, reports, history.

Nothing here imports Textual or the command line; the TUI and the CLI are both built on it.
"""
