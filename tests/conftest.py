"""Shared test setup: make tests/unit/factory importable from any test folder."""
