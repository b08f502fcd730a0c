"""The service layer: every change to the database goes through a function here.

Routes and CLI commands call these; they never touch the session themselves.
"""
