"""Widgets: they know nothing of httpx; the app feeds them data through methods and messages."""
