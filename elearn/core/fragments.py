"""Template parts that depend on a few keys only, rendered once per worker.

``{% call remember_html("site-nav", ui_lang, roles) %}…{% endcall %}`` renders the block
the first time the key is seen and prints the same HTML after that. The key must name
everything the block depends on, and nothing in the block may differ per request or per
person (a CSRF token, the query string, a name): those stay outside it. The store belongs
to the app object, so it starts empty with every deploy; it is bounded, and content that
changes while the app runs (course text) is kept with the course instead
(:meth:`elearn.courses.tree.CourseTree.kept`).
"""

from __future__ import annotations

MAX_FRAGMENTS = 1000


def init_app(app) -> None:
    store: dict[tuple, str] = {}

    def remember_html(*key, caller):
        html = store.get(key)
        if html is None:
            html = caller()
            if len(store) >= MAX_FRAGMENTS:
                store.clear()
            store[key] = html
        return html

    app.add_template_global(remember_html)
