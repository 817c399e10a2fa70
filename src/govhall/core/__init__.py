"""Shared kernel: base models, regions, departments, identifiers, calendar, audit, search."""
