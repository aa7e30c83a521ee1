"""Certificates: issuance, PDF, public verification, Open Badges 3.0."""
