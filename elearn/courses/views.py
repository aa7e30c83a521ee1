from elearn.learning.pages import bp  # noqa: F401 - temporary until create_app imports elearn.learning.pages
