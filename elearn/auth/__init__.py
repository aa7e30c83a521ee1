"""Accounts, roles, sign-in sessions and the access rules of every route."""
