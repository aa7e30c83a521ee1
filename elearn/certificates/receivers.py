"""What the certificates domain does when other domains' events happen (elearn.core.signals)."""
