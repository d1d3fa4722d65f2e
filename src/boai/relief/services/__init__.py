"""Writes of the relief module (one module per area); every function is a service: keyword-only
arguments, one transaction, validation, an audit record."""
