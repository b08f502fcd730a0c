"""The anonymised benchmark report (page, CSV, PDF) with its k-anonymity guard."""
