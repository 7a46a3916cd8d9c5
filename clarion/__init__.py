"""Clarion: turn the news into collective action."""
