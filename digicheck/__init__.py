"""Digi-Check web application and command line."""

from digicheck.app import create_app

__all__ = ["create_app"]
