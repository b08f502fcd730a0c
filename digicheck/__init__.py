"""Digi-Check web application and command line."""
