"""The networking board: organisations, posts, replies, moderation, feeds and digests.

Importing the package registers the search index DDL hooks with the models.
"""

from elearn.board import models, search  # noqa: F401
