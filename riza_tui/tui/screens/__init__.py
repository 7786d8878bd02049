"""Screens: they know nothing of httpx; the app sets their state from its workers."""
