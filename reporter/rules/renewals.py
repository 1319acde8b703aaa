"""Placeholder: filled in by the platform rules work."""
