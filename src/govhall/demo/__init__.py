"""Demo data for Guizhou and the synthetic large-catalog generator."""
