"""The catalog of government service items: codes, implementations, guides, publications."""
