"""The embedded, read-only, loopback executions API server (``riza-tui serve`` and ``--demo``)."""
