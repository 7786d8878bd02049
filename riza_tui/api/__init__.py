"""The data layer: models, client and errors. It knows nothing of the UI."""
