"""Where the signing key of certificates lives when ``ELEARN_SIGNING_KEY`` is not set.

The file is in the instance folder, beside a SQLite database: ``flask backup`` and
``flask check-deploy`` remind operators to keep it with the database (docs/deployment.md);
``elearn.certificates.openbadges`` reads and creates it.
"""

KEY_FILE = "signing-key.pem"
