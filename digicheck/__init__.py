"""Digi-Check web application and command line.

Importing the package loads nothing else: the app is built by `digicheck.app:create_app()`
(gunicorn, tests), the command line lives in `digicheck.cli`.
"""
