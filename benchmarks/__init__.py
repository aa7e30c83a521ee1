"""Load benchmarks of elearn (see README.md here); not part of the installed package."""
