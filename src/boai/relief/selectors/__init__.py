"""Reads of the relief module (one module per area)."""
