"""Courses as files: the format, validation, import into the database and the read model."""
