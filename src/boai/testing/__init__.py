"""Test helpers shared by every app's tests (fixtures live in the root conftest.py)."""
