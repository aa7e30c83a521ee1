"""A live preview for trainers: ``flask courses preview PATH`` serves a course straight from its files.

What ``mkdocs serve`` is to documentation writers: the course's pages as learners will see
them, in every version (the original and each ``locales/<tag>``, with the fallback learners
get: the variant's text, else its language's, else the original's), each page beside the
problems ``flask courses validate`` would print for its files, as ``path:line: message``.
Nothing is imported and nothing is written: no database, no app of the platform's, a small
Flask app of its own with the platform's stylesheet.

**Reading the files.** Every request compares the modification times (and sizes) of the files
under PATH with those of the last load; when one changed, the course is read again whole — links
and anchors are checked across files, so a change to one file can change the problems of another.
The loader (:mod:`elearn.courses.loader`) renders every body, so the preview is the import's
rendering, not a second one. Where JavaScript runs, ``live-reload.js`` (beside the templates, in
``templates/preview/``, with ``preview.css``) asks ``/__changed?since=`` once a second and reloads
the page when a file changed; without it, the trainer reloads by hand.

**A course with errors** is shown as far as it loaded: the loader drops the tree of a course
with errors (the importer must never see one); the preview reads it with the loader's
:func:`~elearn.courses.loader.course.read_course_tree`, which keeps what loaded. A page whose
file did not load shows its problems instead of its content, and a failure of the loader
itself is shown as a problem, never as a server error.

**Security.** It listens on 127.0.0.1 unless told otherwise, sends the platform's security headers
(its Content Security Policy among them: nothing inline, nothing from other sites), and shows HTML
the loader already sanitised.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import posixpath
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import click
from babel.core import UnknownLocaleError
from flask import Flask, abort, jsonify, redirect, render_template, request, send_from_directory
from flask_babel import Babel, format_percent, get_locale
from werkzeug.serving import run_simple

from elearn import config
from elearn.core.i18n import (
    country_name,
    dir_attr,
    format_figure,
    format_hours,
    language_label,
    media_length,
    text_direction,
    variant_name,
)
from elearn.core.security import HEADERS
from elearn.courses.loader import (
    MEDIA_EXTENSIONS,
    WARNING,
    CourseData,
    ModuleData,
    Problem,
    TranslationData,
    UnitData,
    VariantData,
    find_courses,
    numbered,
)
from elearn.courses.loader.course import read_course_tree
from elearn.courses.loader.files import _position
from elearn.courses.loader.layout import check_folder_of_courses, ignored
from elearn.courses.loader.reader import CourseReader

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001
CHANGED = "/__changed"  # what live-reload.js polls; its requests are left out of the server's log
VARIANT_COOKIE = "preview-variant"
ORIGINAL = ""  # the version key of the course's own files


# ---------------------------------------------------------------- reading the folder


def folder_stamp(path: Path) -> str:
    """A fingerprint of every file and folder under ``path`` (names, modification times, sizes).

    Names the loader ignores on purpose (``.git``, editors' swap and backup files…) are left
    out, so an editor's temporary files do not reload the page."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not ignored(Path(d)))
        digest.update(f"{root}/\n".encode())
        for name in sorted(files):
            if ignored(Path(name)):
                continue
            try:
                stat = os.stat(os.path.join(root, name))
            except FileNotFoundError:  # deleted while we looked
                continue
            digest.update(f"{name}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return digest.hexdigest()[:20]


def read_course(course_dir: Path, base: Path) -> tuple[CourseData, CourseReader]:
    """The course's tree as far as it loads, and the reader holding its errors and warnings."""
    reader = CourseReader(course_dir, base, None)
    return read_course_tree(reader), reader


@dataclass
class PageFiles:
    """One page of the course, as the loader addresses it, and its file in each version ("" = the original)."""

    address: str
    module_id: str | None  # None: the course page
    unit_id: str | None  # None: a module or the course page
    position: int
    name: str  # the file's or module folder's name: the title of a page that did not load
    files: dict[str, str] = field(default_factory=dict)  # version → path as problems name it


@dataclass
class Site:
    """One course of the folder: its tree (as far as it loaded), its pages and its problems."""

    slug: str
    dir: Path
    data: CourseData
    pages: dict[str, PageFiles]  # address → page, in the order of the files
    problems: list[Problem]  # errors and warnings, by path and line

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if not p.is_warning)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.is_warning)

    @property
    def title(self) -> str:
        return self.data.title or self.slug

    def variant(self, tag: str) -> VariantData | None:
        return next((v for v in self.data.variants if v.tag == tag), None)

    def module(self, module_id: str) -> ModuleData | None:
        return next((m for m in self.data.modules if m.id == module_id), None)

    def address_of(self, path: str) -> str | None:
        """The page a file (as problems name it) is shown on, if any."""
        for page in self.pages.values():
            for file in page.files.values():
                if file == path or (file.endswith("/module.md") and posixpath.dirname(file) == path):
                    return page.address
        return None


def _site_pages(reader: CourseReader, data: CourseData) -> dict[str, PageFiles]:
    """Every page's files: the course's own (``reader.addresses``), then each variant's."""
    pages: dict[str, PageFiles] = {}

    def add(version: str, addresses: dict[str, str], folder: Path) -> None:
        for logical, address in addresses.items():
            parts = address.strip("/").split("/")[2:]  # courses/<slug>/[module/[unit]]
            name = logical.split("/")[-1] if len(parts) == 2 else logical.split("/")[0]
            page = pages.setdefault(
                address,
                PageFiles(
                    address,
                    parts[0] if parts else None,
                    parts[1] if len(parts) > 1 else None,
                    _position(name),
                    name,
                ),
            )
            page.files[version] = reader.rel(folder / logical)

    add(ORIGINAL, reader.addresses, reader.dir)
    for variant in data.variants:
        tag_dir = reader.dir / "locales" / variant.tag
        addresses = {"course.md": f"/courses/{reader.slug}/"} if (tag_dir / "course.md").is_file() else {}
        addresses.update(reader.page_addresses(numbered(tag_dir.iterdir(), dirs=True)))
        add(variant.tag, addresses, tag_dir)
    return pages


def _by_place(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line, p.is_warning))


@dataclass
class Snapshot:
    """One reading of the folder: its courses and every problem, and the stamp of the files read."""

    token: str
    sites: dict[str, Site]
    problems: list[Problem]  # the whole folder's, courses' and the folder's own

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if not p.is_warning)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.is_warning)

    @property
    def only_site(self) -> Site | None:
        """The course, when the folder is one (its counts are the course's)."""
        return next(iter(self.sites.values())) if len(self.sites) == 1 else None


def load_snapshot(path: Path, token: str) -> Snapshot:
    """Read every course under ``path``; a failure of the loader is a problem of the course, not a crash."""
    sites: dict[str, Site] = {}
    if not path.is_dir():  # moved or deleted while being previewed: no course, until it is back
        return Snapshot(token, sites, [])
    problems = [
        Problem(folder.relative_to(path).as_posix(), 1, reason, WARNING)
        for folder, reason in check_folder_of_courses(path)
    ]
    for course_dir in find_courses(path):
        try:
            data, reader = read_course(course_dir, path)
            found = _by_place(reader.problems + reader.warnings)
            sites[course_dir.name] = Site(course_dir.name, course_dir, data, _site_pages(reader, data), found)
        except Exception as exc:  # a mistake no check foresaw: say so on the page
            log.exception("the preview could not read %s", course_dir)
            where = (course_dir / "course.md").relative_to(path).as_posix()
            found = [
                Problem(where, 1, f"the loader failed on this course ({type(exc).__name__}: {exc}); please report it")
            ]
            address = f"/courses/{course_dir.name}/"
            pages = {address: PageFiles(address, None, None, 0, "course.md", {ORIGINAL: where})}
            sites[course_dir.name] = Site(course_dir.name, course_dir, _empty_course(course_dir), pages, found)
        problems.extend(found)
    return Snapshot(token, sites, _by_place(problems))


def _empty_course(course_dir: Path) -> CourseData:
    return CourseData(
        id=course_dir.name,
        title="",
        summary="",
        language="",
        estimated_hours=None,
        pass_mark=70,
        certificate=True,
        tags=[],
        description_html="",
        source_dir=str(course_dir),
        tree_hash="",
    )


class Preview:
    """The folder being previewed: read again on the first request after a file changed."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def stamp(self) -> str:
        return folder_stamp(self.path)

    def current(self) -> Snapshot:
        token = self.stamp()  # before reading: a change made while reading is seen next time
        with self._lock:  # one reading at a time; requests arriving meanwhile get its result
            if self._snapshot is None or self._snapshot.token != token:
                self._snapshot = load_snapshot(self.path, token)
            return self._snapshot

    def changed(self, since: str) -> bool:
        return self.stamp() != since


# ---------------------------------------------------------------- a version: what learners of it see


def language_of(tag: str) -> str:
    return tag.split("-")[0]


@dataclass
class Version:
    """The course as read in one version: the variants to fall back through, most specific first."""

    site: Site
    chain: list[VariantData]

    @property
    def tag(self) -> str:
        return self.chain[0].tag if self.chain else ORIGINAL

    @property
    def language(self) -> str:
        return language_of(self.tag) if self.chain else self.site.data.language

    @property
    def hidden(self) -> set[str]:
        return {entry for variant in self.chain for entry in variant.hidden}

    @property
    def versions(self) -> list[str]:
        """The files' versions this one reads, most specific first: ``lv-LV``, ``lv``, the original."""
        return [*(v.tag for v in self.chain), ORIGINAL]

    def files(self, page: PageFiles) -> list[str]:
        return [page.files[v] for v in self.versions if v in page.files]


def version_of(site: Site, tag: str | None) -> Version:
    """``lv-LV`` → its chain [lv-LV, lv] (those the course has); an unknown tag → the original."""
    if not tag or site.variant(tag) is None:
        return Version(site, [])
    tags = dict.fromkeys([tag, language_of(tag)])
    return Version(site, [v for v in (site.variant(t) for t in tags) if v is not None])


@dataclass
class View:
    """A page's texts in a version, and where they come from."""

    page: PageFiles
    title: str
    lang: str
    shown: str  # the file the texts come from
    kind: str | None = None  # a unit's
    summary: str = ""
    html: str = ""
    objectives: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    questions: list[dict] = field(default_factory=list)
    fallback: bool = False  # shown in another language than the version's
    failed: bool = False  # its file did not load: the page shows its problems
    country_only: bool = False

    @property
    def address(self) -> str:
        return self.page.address


def _pick(version: Version, found) -> tuple[VariantData, TranslationData] | None:
    """The translation of the most specific variant of the chain that has one."""
    for variant in version.chain:
        translation = found(variant)
        if translation is not None:
            return variant, translation
    return None


def _fallback(version: Version, lang: str) -> bool:
    return bool(version.chain) and lang != version.language


def course_view(version: Version) -> View:
    site, data = version.site, version.site.data
    page = site.pages.get(f"/courses/{site.slug}/") or PageFiles(f"/courses/{site.slug}/", None, None, 0, "course.md")
    chosen = _pick(version, lambda v: v.course)
    if chosen is None:
        return View(
            page,
            site.title,
            data.language,
            page.files.get(ORIGINAL, ""),
            summary=data.summary,
            html=data.description_html,
        )
    variant, text = chosen
    return View(
        page,
        text.title or site.title,
        language_of(variant.tag),
        text.path,
        summary=text.summary or data.summary,
        html=text.html or data.description_html,
    )


def module_view(version: Version, page: PageFiles) -> View:
    module = version.site.module(page.module_id or "")
    if module is None:
        return View(page, page.name, version.site.data.language, page.files.get(ORIGINAL, ""), failed=True)
    chosen = _pick(version, lambda v: v.modules.get(module.id))
    if chosen is None:
        return View(
            page,
            module.title,
            version.site.data.language,
            page.files.get(ORIGINAL, ""),
            summary=module.summary,
            objectives=module.objectives,
            html=module.outline_html,
        )
    variant, text = chosen
    return View(
        page,
        text.title or module.title,
        language_of(variant.tag),
        text.path,
        summary=text.summary or module.summary,
        objectives=text.objectives or module.objectives,
        html=text.html or module.outline_html,
    )


def _unit_view(version: Version, page: PageFiles, module_id: str, unit: UnitData) -> View:
    chosen = _pick(version, lambda v: v.units.get((module_id, unit.id)))
    if chosen is None:
        lang = version.site.data.language
        return View(
            page,
            unit.title,
            lang,
            page.files.get(ORIGINAL, ""),
            kind=unit.kind,
            html=unit.body_html,
            meta=unit.meta,
            questions=unit.questions,
            fallback=_fallback(version, lang),
        )
    variant, text = chosen
    lang = language_of(variant.tag)
    return View(
        page,
        text.title or unit.title,
        lang,
        text.path,
        kind=unit.kind,
        html=text.html,
        meta={**unit.meta, **text.meta},
        questions=text.questions or unit.questions,
        fallback=_fallback(version, lang),
    )


_NO_MODULE = ModuleData("", 0, "", "", [], "", "")


def _failed(page: PageFiles, version: Version, file: str) -> View:
    return View(page, page.name, version.site.data.language, file, failed=True)


def units_of(version: Version, module_id: str) -> list[View]:
    """A module's units as learners of the version see them: hidden ones left out, country-only
    ones in, and, for the trainer, the files that did not load."""
    site = version.site
    module = site.module(module_id)
    loaded = {u.id: u for u in module.units} if module else {}
    hidden = version.hidden
    views: list[tuple[tuple, View]] = []
    source_ids = set()
    for page in site.pages.values():
        if page.module_id != module_id or page.unit_id is None:
            continue
        if ORIGINAL in page.files:  # a unit of the course
            source_ids.add(page.unit_id)
            if f"{module_id}/{page.unit_id}" in hidden:
                continue
            unit = loaded.get(page.unit_id)
            if unit is None:
                views.append(((page.position, 0, page.unit_id), _failed(page, version, page.files[ORIGINAL])))
            else:
                views.append(((unit.position, 0, unit.id), _unit_view(version, page, module_id, unit)))
    for variant in version.chain:  # country-only units of the version's variants
        extra = {u.id: u for u in variant.extra_units.get(module_id, [])}
        for page in site.pages.values():
            if page.module_id != module_id or page.unit_id is None or page.unit_id in source_ids:
                continue
            if variant.tag not in page.files or any(v.address == page.address for _k, v in views):
                continue
            unit = extra.get(page.unit_id)
            file = page.files[variant.tag]
            if unit is None:
                views.append(((page.position, 1, page.unit_id), _failed(page, version, file)))
                continue
            lang = language_of(variant.tag)
            view = View(
                page,
                unit.title,
                lang,
                file,
                kind=unit.kind,
                html=unit.body_html,
                meta=unit.meta,
                questions=unit.questions,
                fallback=_fallback(version, lang),
                country_only=True,
            )
            views.append(((unit.position, 1, unit.id), view))
    return [view for _key, view in sorted(views, key=lambda item: item[0])]


def modules_of(version: Version) -> list[View]:
    """Every module of the course (those that did not load too), in order."""
    pages = [p for p in version.site.pages.values() if p.module_id and p.unit_id is None and ORIGINAL in p.files]
    return [module_view(version, page) for page in sorted(pages, key=lambda p: (p.position, p.name))]


def hidden_units(version: Version, module_id: str) -> list[str]:
    module = version.site.module(module_id)
    hidden = version.hidden
    return [u.title for u in module.units if f"{module_id}/{u.id}" in hidden] if module else []


# ---------------------------------------------------------------- the problems panel


@dataclass
class Panel:
    """The problems of a page's files (the one shown first), and the counts of the whole course."""

    files: list[str]
    shown: str
    problems: list[Problem]
    site: Site | None


def panel_for(snapshot: Snapshot, site: Site | None, files: list[str], shown: str) -> Panel:
    ordered = list(dict.fromkeys([shown, *files] if shown else files))
    folders = {posixpath.dirname(f) for f in ordered if f.endswith("/module.md")}
    rank = {path: index for index, path in enumerate([*ordered, *sorted(folders)])}
    problems = [p for p in (site.problems if site else snapshot.problems) if p.path in rank]
    problems.sort(key=lambda p: (rank[p.path], p.line, p.is_warning))
    return Panel(ordered, shown, problems, site)


# ---------------------------------------------------------------- the app


def create_preview_app(path: Path) -> Flask:
    """The preview's own small app: no database, no sign-in, the platform's stylesheet."""
    preview = Preview(path)
    app = Flask("elearn", static_folder="static", template_folder="templates")
    app.config.update(
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=config.DEFAULTS["BABEL_TRANSLATION_DIRECTORIES"],
        LANGUAGES=config.DEFAULTS["LANGUAGES"],
        SEND_FILE_MAX_AGE_DEFAULT=0,  # the files may change at any moment
    )
    app.extensions["preview"] = preview
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    Babel(app, locale_selector=lambda: request.accept_languages.best_match(app.config["LANGUAGES"]) or "en")
    for name, function in {
        "variant_name": _safe(variant_name),
        "language_label": _safe(language_label),
        "country_name": country_name,
        "dir_attr": dir_attr,
        "format_figure": format_figure,
        "format_hours": format_hours,
        "media_length": media_length,
        "format_percent": format_percent,
        "hostname": lambda url: urlsplit(url).hostname or url,
    }.items():
        app.add_template_filter(function, name)

    @app.context_processor
    def interface_language():
        return {"ui_lang": str(get_locale()), "ui_dir": text_direction(str(get_locale()))}

    @app.after_request
    def headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-store")
        tag = request.args.get("variant")
        if tag is not None:  # the version chosen is kept while the trainer follows links
            response.set_cookie(VARIANT_COOKIE, tag, samesite="Lax", httponly=True)
        return response

    def render(template: str, snapshot: Snapshot, panel: Panel, **context):
        return render_template(
            template, snapshot=snapshot, panel=panel, single=len(snapshot.sites) == 1, changed_url=CHANGED, **context
        )

    def site_and_version(course_slug: str) -> tuple[Snapshot, Site, Version]:
        snapshot = preview.current()
        site = snapshot.sites.get(course_slug)
        if site is None:
            abort(404)
        tag = request.args.get("variant", request.cookies.get(VARIANT_COOKIE))
        return snapshot, site, version_of(site, tag)

    @app.get("/")
    @app.get("/courses/")
    def index():
        snapshot = preview.current()
        if len(snapshot.sites) == 1:
            return redirect(f"/courses/{next(iter(snapshot.sites))}/")
        return render(
            "preview/index.html", snapshot, panel_for(snapshot, snapshot.only_site, [], ""), courses=snapshot.sites
        )

    @app.get("/courses/<course_slug>/")
    def course(course_slug: str):
        snapshot, site, version = site_and_version(course_slug)
        view = course_view(version)
        modules = [(module, units_of(version, module.page.module_id or "")) for module in modules_of(version)]
        panel = panel_for(snapshot, site, version.files(view.page), view.shown)
        return render("preview/course.html", snapshot, panel, site=site, version=version, view=view, modules=modules)

    @app.get("/courses/<course_slug>/<module_id>/")
    def module(course_slug: str, module_id: str):
        snapshot, site, version = site_and_version(course_slug)
        page = site.pages.get(f"/courses/{course_slug}/{module_id}/")
        if page is None:
            abort(404)
        modules = modules_of(version)
        view = module_view(version, page)
        addresses = [m.address for m in modules]
        index = addresses.index(page.address) if page.address in addresses else -1
        neighbours = (
            modules[index - 1] if index > 0 else None,
            modules[index + 1] if 0 <= index < len(modules) - 1 else None,
        )
        panel = panel_for(snapshot, site, version.files(page), view.shown)
        return render(
            "preview/module.html",
            snapshot,
            panel,
            site=site,
            version=version,
            course=course_view(version),
            view=view,
            units=units_of(version, module_id),
            hidden=hidden_units(version, module_id),
            neighbours=neighbours,
        )

    @app.get("/courses/<course_slug>/<module_id>/<unit_id>/")
    def unit(course_slug: str, module_id: str, unit_id: str):
        snapshot, site, version = site_and_version(course_slug)
        page = site.pages.get(f"/courses/{course_slug}/{module_id}/{unit_id}/")
        module_page = site.pages.get(f"/courses/{course_slug}/{module_id}/")
        if page is None or module_page is None:
            abort(404)
        units = units_of(version, module_id)
        addresses = [u.address for u in units]
        hidden = f"{module_id}/{unit_id}" in version.hidden
        elsewhere: list[str] = []  # another version's own unit: the versions that have it
        if page.address in addresses:
            index = addresses.index(page.address)
            view = units[index]
            neighbours = (units[index - 1] if index else None, units[index + 1] if index + 1 < len(units) else None)
        else:
            loaded = next((u for u in (site.module(module_id) or _NO_MODULE).units if u.id == unit_id), None)
            if hidden and loaded is not None:  # the trainer may still read what learners of it do not see
                view = _unit_view(version, page, module_id, loaded)
            else:
                elsewhere = [tag for tag in page.files if tag != ORIGINAL]
                view = _failed(page, version, next(iter(page.files.values())))
            neighbours = (None, None)
        panel = panel_for(snapshot, site, version.files(page), view.shown)
        return render(
            "preview/unit.html",
            snapshot,
            panel,
            site=site,
            version=version,
            course=course_view(version),
            module=module_view(version, module_page),
            view=view,
            neighbours=neighbours,
            elsewhere=elsewhere,
            hidden=hidden,
        )

    @app.get("/courses/<course_slug>/media/<path:filename>")
    def media(course_slug: str, filename: str):
        site = preview.current().sites.get(course_slug)
        if site is None or posixpath.splitext(filename)[1].lower() not in MEDIA_EXTENSIONS:
            abort(404)
        return send_from_directory(site.dir / "media", filename, max_age=0)

    @app.get("/__problems")
    def problems():
        snapshot = preview.current()
        groups: list[tuple[str, str | None, list[Problem]]] = []
        for problem in snapshot.problems:
            if not groups or groups[-1][0] != problem.path:
                site = next((s for s in snapshot.sites.values() if _in_site(problem.path, s, path)), None)
                address = site.address_of(problem.path) if site else None
                groups.append((problem.path, address, []))
            groups[-1][2].append(problem)
        return render("preview/problems.html", snapshot, panel_for(snapshot, snapshot.only_site, [], ""), groups=groups)

    @app.get(CHANGED)
    def changed():
        return jsonify(changed=preview.changed(request.args.get("since", "")))

    @app.get("/__preview/<name>")
    def asset(name: str):
        types = {"live-reload.js": "text/javascript", "preview.css": "text/css"}
        if name not in types:
            abort(404)
        response = send_from_directory(Path(app.root_path) / "templates" / "preview", name, max_age=0)
        response.mimetype = types[name]
        return response

    @app.errorhandler(404)
    def not_found(_error):
        snapshot = preview.current()
        return render("preview/not_found.html", snapshot, panel_for(snapshot, snapshot.only_site, [], "")), 404

    return app


def _in_site(problem_path: str, site: Site, base: Path) -> bool:
    prefix = site.dir.relative_to(base).as_posix()
    return prefix == "." or problem_path == prefix or problem_path.startswith(prefix + "/")


def _safe(name_of):
    """A language or version name, or the code itself when Babel knows no such language."""

    def name(code: str) -> str:
        try:
            return name_of(code)
        except (ValueError, TypeError, UnknownLocaleError):
            return code

    return name


# ---------------------------------------------------------------- serving


class _QuietPolling(logging.Filter):
    """The server logs each request; live-reload.js asks every second, which would drown the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        return CHANGED not in record.getMessage()


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(path: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve the preview of ``path`` until Ctrl-C."""
    app = create_preview_app(path)
    if not is_loopback(host):
        click.echo(f"Listening on {host}: anyone who can reach this address can read the course.", err=True)
    logging.getLogger("werkzeug").addFilter(_QuietPolling())
    click.echo(f"Previewing {path} at http://{host}:{port}/ (Ctrl-C stops it). Nothing is imported or written.")
    # a port in use: werkzeug says so, and exits
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
