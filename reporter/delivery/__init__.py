"""Delivery: the report file, last month's comparison, email."""
