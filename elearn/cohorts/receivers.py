"""What the cohorts domain does when other domains' events happen (elearn.core.signals)."""
