"""`python -m digicheck.cli …`, the same as the `digicheck` console script."""

from digicheck.cli import run

run()
