"""The Excel engine: one import/export mechanism for every registry (see docs/excel.md)."""
