"""The Maßnahmenplan (issue 16): pages, documents for the council and exports."""
