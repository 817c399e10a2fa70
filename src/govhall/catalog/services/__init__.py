"""Catalog writes. Every function is keyword-only, runs in one transaction and audits."""
