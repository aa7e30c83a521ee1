"""Shared pieces: markdown rendering and sanitising, locale selection, error pages."""
