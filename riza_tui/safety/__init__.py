"""Helpers every view of untrusted data goes through: sanitising and secret masking."""
