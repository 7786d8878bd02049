"""The terminal UI: the app, its screens and widgets, and the workers that feed them."""
