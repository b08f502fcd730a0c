"""Accounts: login and second factor, invitations, password reset links, sessions, own data and
account deletion, and the admin's account pages."""
