"""A unit's audio and video: captions and subtitles per language (WebVTT, parsed), country versions
adding their tracks, raw HTML media, the browser's own player, and the media route (ranges, caching)."""

from __future__ import annotations

import re

import html5lib
import pytest
from sqlalchemy import select

from elearn.core.transaction import unit_of_work
from elearn.courses.importer import sync_tree, validate_tree
from elearn.courses.loader import file_version, files, load_path
from elearn.courses.models import Unit
from elearn.extensions import db
from elearn.localisation import services
from elearn.localisation.export import export_tree
from tests.factories import valid_course, variant

VTT_EN = (
    "WEBVTT\n\n00:00.000 --> 00:02.500\nInterviewer: How did the centre start?\n\n"
    "00:03.000 --> 00:06.000\n[laughs] With two carpenters.\n"
)
VTT_LV = "WEBVTT\n\n00:00.000 --> 00:02.500\nKā centrs sākās?\n\n00:03.000 --> 00:06.000\nAr diviem galdniekiem.\n"
VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8  # 2,060 bytes: enough to ask for a range

INTERVIEW = """\
---
kind: interview
title: Running a reuse centre
interviewee: A reuse-centre manager
role: Manager
organisation: A municipal reuse centre
country: SI
media: media/talk.mp4
poster: media/talk.jpg
duration: "1:35"
captions:
  en: media/talk.en.vtt
audio_description:
  en: media/talk.description.en.vtt
---

**Interviewer:** How did the centre start?
"""
LV_INTERVIEW = """\
---
title: Atkārtotas izmantošanas centrs
captions:
  lv: media/talk.lv.vtt
---

**Intervētājs:** Kā centrs sākās?
"""


def media_course(**extra) -> dict:
    return valid_course(
        **{
            "media/talk.mp4": VIDEO,
            "media/talk.jpg": b"\xff\xd8\xff\xe0fake",
            "media/talk.en.vtt": VTT_EN,
            "media/talk.lv.vtt": VTT_LV,
            "media/talk.description.en.vtt": VTT_EN,
            "01-one/03-interview.md": INTERVIEW,
            "locales/lv-LV/01-one/03-interview.md": LV_INTERVIEW,
            **extra,
        }
    )


def problems_of(write_course, files) -> list[str]:
    return [str(p) for p in validate_tree(write_course(files))]


def version(root, name: str) -> str:
    return file_version(root / "demo" / "media" / name)


def test_a_video_gets_its_tracks_and_a_country_version_adds_its_language(write_course):
    root = write_course(media_course())
    [(_dir, course, problems)] = load_path(root)
    assert problems == []
    unit = next(u for u in course.modules[0].units if u.id == "interview")
    player = unit.meta["media_player"]
    url = "/courses/demo/media/{}?v={}".format
    assert player == {
        "src": url("talk.mp4", version(root, "talk.mp4")),
        "type": "video",
        "mime": "video/mp4",
        "poster": url("talk.jpg", version(root, "talk.jpg")),
        "tracks": [
            {"kind": "captions", "srclang": "en", "src": url("talk.en.vtt", version(root, "talk.en.vtt"))},
            {
                "kind": "descriptions",
                "srclang": "en",
                "src": url("talk.description.en.vtt", version(root, "talk.description.en.vtt")),
            },
        ],
    }
    assert unit.meta["duration"] == 95
    [variant] = course.variants
    translation = variant.units[("one", "interview")]
    assert translation.meta["captions"] == {"lv": "media/talk.lv.vtt"}  # what its file says, written back as is
    tracks = [(t["kind"], t["srclang"]) for t in translation.meta["media_player"]["tracks"]]
    assert tracks == [("captions", "en"), ("subtitles", "lv"), ("descriptions", "en")]
    assert translation.meta["media_player"]["src"] == player["src"]  # the same video, not a copy


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            {"01-one/03-interview.md": INTERVIEW.replace("captions:\n  en: media/talk.en.vtt\n", "")},
            "demo/01-one/03-interview.md:8: video without captions in en: add 'captions:' with "
            "'en: media/….en.vtt' (a WebVTT file of what is said and heard)",
        ),
        (
            {"01-one/03-interview.md": INTERVIEW.replace("en: media/talk.en.vtt", "lv: media/talk.lv.vtt")},
            "demo/01-one/03-interview.md:11: video without captions in en",
        ),
        ({"media/talk.en.vtt": None}, "demo/01-one/03-interview.md:12: media file not found: media/talk.en.vtt"),
        (
            {"01-one/03-interview.md": INTERVIEW.replace("talk.en.vtt", "talk.en.srt")},
            "demo/01-one/03-interview.md:12: file type not allowed: media/talk.en.srt (allowed: .vtt)",
        ),
        ({"media/talk.jpg": None}, "demo/01-one/03-interview.md:9: media file not found: media/talk.jpg"),
        (
            {"01-one/03-interview.md": INTERVIEW.replace("en: media/talk.en.vtt", "en: ../talk.en.vtt")},
            "demo/01-one/03-interview.md:12: 'captions' must name a file in the course's media/ folder: ../talk.en.vtt",
        ),
        (
            {"01-one/03-interview.md": INTERVIEW.replace("media/talk.mp4", "media/talk.avi")},
            "demo/01-one/03-interview.md:8: file type not allowed: media/talk.avi (allowed: .m4a, .mp3, .mp4, .ogg",
        ),
        (
            {"01-one/03-interview.md": INTERVIEW.replace('"1:35"', "soon")},
            "demo/01-one/03-interview.md:10: 'duration' must be the length in seconds",
        ),
        (
            {"01-one/03-interview.md": INTERVIEW.replace("  en: media/talk.en.vtt", "  English: media/talk.en.vtt")},
            "demo/01-one/03-interview.md:11: 'captions' must map language codes to WebVTT files",
        ),
        (
            {"01-one/03-interview.md": INTERVIEW.replace("media: media/talk.mp4\n", "")},
            "demo/01-one/03-interview.md:10: 'captions' belongs to a media file: add 'media: media/…'",
        ),
        (
            {"01-one/03-interview.md": INTERVIEW.replace("media/talk.mp4", "https://www.youtube.com/watch?v=abc")},
            "demo/01-one/03-interview.md:11: 'captions' is for a file in media/: a video on YouTube or Vimeo gets",
        ),
        (
            {"locales/lv-LV/01-one/03-interview.md": LV_INTERVIEW.replace("talk.lv.vtt", "talk.lv2.vtt")},
            "demo/locales/lv-LV/01-one/03-interview.md:4: media file not found: media/talk.lv2.vtt",
        ),
    ],
)
def test_media_problems_name_their_line(write_course, extra, expected):
    files = {k: v for k, v in media_course(**extra).items() if v is not None}
    problems = problems_of(write_course, files)
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "00:00.000 --> 00:02.000\nNo header\n",
            "demo/media/talk.en.vtt:1: not a WebVTT file: its first line must be WEBVTT",
        ),
        (
            "WEBVTT\n\n00:00.000 --> 00:02.000\nFine\n\n00:0x.000 --> 00:04.000\nBroken time\n",
            "demo/media/talk.en.vtt:6: not a valid cue",
        ),
        (
            "WEBVTT\n\n00:00.000 --> 00:02.000\nFine\n\n00:03.000 -> 00:04.000\nNo arrow\n",
            "demo/media/talk.en.vtt:6: not a cue: a cue starts with a timing line",
        ),
        ("WEBVTT\n\n00:05.000 --> 00:02.000\nBackwards\n", "demo/media/talk.en.vtt:3: cue ends before it starts"),
        ("WEBVTT\n", "demo/media/talk.en.vtt:1: WebVTT file has no cues"),
        (b"WEBVTT\n\n00:00.000 --> 00:02.000\n\xe9t\xe9\n", "demo/media/talk.en.vtt:1: WebVTT file is not UTF-8"),
    ],
)
def test_every_webvtt_file_is_parsed_and_its_problems_have_their_line(write_course, text, expected):
    problems = problems_of(write_course, media_course(**{"media/talk.en.vtt": text}))
    assert [p for p in problems if p.startswith("demo/media/")] == [p for p in problems if p.startswith(expected)]
    assert any(p.startswith(expected) for p in problems), problems


RAW_VIDEO = """\
---
kind: lesson
title: A film
---

Watch it:

<video controls poster="../media/talk.jpg">
  <source src="../media/talk.mp4" type="video/mp4">
  <track kind="captions" srclang="en" label="English" src="../media/talk.en.vtt">
</video>
"""


def test_raw_html_media_keeps_its_sources_and_tracks(write_course):
    root = write_course(media_course(**{"01-one/04-film.md": RAW_VIDEO}))
    [(_dir, course, problems)] = load_path(root)
    assert problems == []
    html = next(u for u in course.modules[0].units if u.id == "film").body_html
    video = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False).find("video")
    assert video.get("poster") == f"/courses/demo/media/talk.jpg?v={version(root, 'talk.jpg')}"
    assert video.find("source").get("src") == f"/courses/demo/media/talk.mp4?v={version(root, 'talk.mp4')}"
    track = video.find("track")
    assert track.get("src") == f"/courses/demo/media/talk.en.vtt?v={version(root, 'talk.en.vtt')}"
    assert (track.get("kind"), track.get("srclang")) == ("captions", "en")


@pytest.mark.parametrize(
    ("replace", "expected"),
    [
        (
            ('  <track kind="captions" srclang="en" label="English" src="../media/talk.en.vtt">\n', ""),
            'demo/01-one/04-film.md:9: video without captions in en: add <track kind="captions" srclang="en"',
        ),
        (("../media/talk.mp4", "../media/gone.mp4"), "demo/01-one/04-film.md:9: media file not found: media/gone.mp4"),
        (
            ("../media/talk.en.vtt", "../media/talk.mp3"),
            "demo/01-one/04-film.md:10: file type not allowed: media/talk.mp3",
        ),
        (
            ("../media/talk.en.vtt", "../talk.en.vtt"),
            "demo/01-one/04-film.md:10: broken link: ../talk.en.vtt does not exist",
        ),
        (
            ("../media/talk.mp4", "https://cdn.example/talk.mp4"),
            "demo/01-one/04-film.md:9: media file https://cdn.example/talk.mp4 is on another site",
        ),
        (("../media/talk.jpg", "../media/talk.mp4"), "demo/01-one/04-film.md:8: file type not allowed: media/talk.mp4"),
    ],
)
def test_raw_html_media_is_checked_not_dropped_silently(write_course, replace, expected):
    problems = problems_of(write_course, media_course(**{"01-one/04-film.md": RAW_VIDEO.replace(*replace)}))
    assert any(p.startswith(expected) for p in problems), problems


def test_a_broken_webvtt_file_named_in_raw_html_is_reported_at_its_line(write_course):
    files = media_course(**{"01-one/04-film.md": RAW_VIDEO, "media/talk.en.vtt": "WEBVTT\n\n00:00.000 --> 00:0x\nx\n"})
    assert "demo/media/talk.en.vtt:3: not a valid cue" in " ".join(problems_of(write_course, files))


# ---------------------------------------------------------------- the page and the media route


@pytest.fixture
def course(app, write_course):
    root = write_course(media_course())
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok
    return root


def player_of(page: str):
    document = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    return document.find(".//video"), document


@pytest.mark.parametrize(
    ("query", "labels", "default", "length"),
    [
        ("", ["English (captions)", "English (audio description)"], "en", "95 seconds"),
        ("?variant=lv-LV&lang=lv", [None, "latviešu", None], "lv", "95 sekundes"),  # None: the catalogues' words
    ],
)
def test_the_unit_page_plays_the_video_with_its_tracks_and_the_transcript_below(
    client, course, query, labels, default, length
):
    page = client.get(f"/courses/demo/one/interview/{query}").get_data(as_text=True)
    video, document = player_of(page)
    assert video is not None and video.get("controls") is not None
    assert video.find("source").get("type") == "video/mp4"
    tracks = video.findall("track")
    for track, label in zip(tracks, labels, strict=True):  # in the reader's language
        assert label is None or track.get("label") == label
    assert [t.get("srclang") for t in tracks if t.get("default") is not None] == [default]
    assert all(t.get("src").startswith("/courses/demo/media/") for t in tracks)
    details = document.find(".//details[@class='transcript']")
    assert details is not None and details.get("open") is not None and details.find("summary").text
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]  # the browser's own player
    assert page.index("<video") < page.index('<details class="transcript"')
    assert f'<time datetime="PT95S">{length}</time>' in page


def test_media_are_served_in_ranges_and_versioned_addresses_are_immutable(client, course):
    url = f"/courses/demo/media/talk.mp4?v={version(course, 'talk.mp4')}"
    with client.get(url, headers={"Range": "bytes=100-199"}) as response:
        assert response.status_code == 206
        assert response.headers["Content-Range"] == f"bytes 100-199/{len(VIDEO)}"
        assert response.data == VIDEO[100:200]
        assert response.headers["Accept-Ranges"] == "bytes"
        cache = response.headers["Cache-Control"]
        assert "immutable" in cache and "max-age=31536000" in cache and "public" in cache
    with client.get(url, headers={"Range": f"bytes={len(VIDEO)}-"}) as beyond:
        assert beyond.status_code == 416
    with client.get("/courses/demo/media/talk.mp4?v=0123456789abcdef") as stale:  # not this content
        assert stale.status_code == 200 and "immutable" not in stale.headers["Cache-Control"]
        assert "max-age=604800" in stale.headers["Cache-Control"]
    with client.get(f"/courses/demo/media/talk.en.vtt?v={version(course, 'talk.en.vtt')}") as vtt:
        assert vtt.status_code == 200 and vtt.mimetype == "text/vtt"


def test_a_changed_media_file_gets_a_new_address_after_the_import(app, client, course):
    page = client.get("/courses/demo/one/interview/").get_data(as_text=True)
    old = re.search(r'src="(/courses/demo/media/talk\.en\.vtt\?v=\w+)"', page).group(1)
    (course / "demo" / "media" / "talk.en.vtt").write_text(VTT_EN.replace("two carpenters", "three carpenters"))
    with app.app_context(), unit_of_work():
        assert sync_tree(course).ok
    page = client.get("/courses/demo/one/interview/").get_data(as_text=True)
    new = re.search(r'src="(/courses/demo/media/talk\.en\.vtt\?v=\w+)"', page).group(1)
    assert new != old and new.endswith(version(course, "talk.en.vtt"))


def test_a_changed_subtitle_file_reaches_the_country_version_after_the_import(app, client, course):
    def lv_track() -> str:
        page = client.get("/courses/demo/one/interview/?variant=lv-LV").get_data(as_text=True)
        return re.search(r'src="(/courses/demo/media/talk\.lv\.vtt\?v=\w+)"', page).group(1)

    old = lv_track()
    (course / "demo" / "media" / "talk.lv.vtt").write_text(VTT_LV.replace("diviem", "trim"))
    with app.app_context(), unit_of_work():
        assert sync_tree(course).ok
    assert lv_track() != old and lv_track().endswith(version(course, "talk.lv.vtt"))


def test_a_translation_edited_in_the_browser_is_exported_with_its_tracks_and_nothing_computed(app, course):
    file = course / "demo" / "locales" / "lv-LV" / "01-one" / "03-interview.md"
    with app.app_context(), unit_of_work():
        lv = variant("lv-LV")
        unit = db.session.scalar(select(Unit).where(Unit.slug == "interview", Unit.variant_id.is_(None)))
        translation = services.own_translation(lv, unit)
        assert "media_player" in translation.meta  # what the page plays
        services.save(None, lv, unit, "Centra vadītāja", translation.body_source)
        assert export_tree(course) == [file]
    assert file.read_text().startswith("---\ntitle: Centra vadītāja\ncaptions:\n  lv: media/talk.lv.vtt\n---\n")
    assert "media_player" not in file.read_text()
    with app.app_context(), unit_of_work():
        assert sync_tree(course).ok  # the exported file loads again


def test_an_upgrade_re_imports_what_the_loader_now_makes_differently(app, client, write_course, monkeypatch):
    """Pages imported by an older loader get the player at the first import after the upgrade,
    although no file changed, and no unit gets a new revision (translations stay up to date)."""
    root = write_course(media_course())
    monkeypatch.setattr(files, "LOADER_OUTPUT", "1: before media players")
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok
        unit = db.session.scalar(select(Unit).where(Unit.slug == "interview", Unit.variant_id.is_(None)))
        old = {k: v for k, v in unit.meta.items() if k != "media_player"}
        unit.meta = {**old, "media_url": "/courses/demo/media/talk.mp4", "media_type": "video"}  # as it was
        revision = unit.revision
    monkeypatch.undo()
    assert "<track" not in client.get("/courses/demo/one/interview/").get_data(as_text=True)
    with app.app_context(), unit_of_work():
        report = sync_tree(root)
        assert report.ok and report.imported == ["demo"]
        unit = db.session.scalar(select(Unit).where(Unit.slug == "interview", Unit.variant_id.is_(None)))
        assert unit.revision == revision and "media_url" not in unit.meta
    assert "<track" in client.get("/courses/demo/one/interview/").get_data(as_text=True)


# ---------------------------------------------------------------- media in every reading unit

LESSON_VIDEO = """\
---
kind: lesson
title: Repairing a chair
media: media/talk.mp4
duration: 95
captions:
  en: media/talk.en.vtt
---

Take the seat off first.
"""
LV_LESSON_VIDEO = "---\ntitle: Krēsla labošana\ncaptions:\n  lv: media/talk.lv.vtt\n---\n\nVispirms noņem sēdekli.\n"
STORY_VIDEO = """\
---
kind: case-story
title: The reuse centre
organisation: A municipal reuse centre
country: SI
sector: reuse
year: 2012
media: media/talk.mp4
---

The centre began with two carpenters.
"""


@pytest.fixture
def lesson_course(app, write_course):
    files = {"01-one/04-watch.md": LESSON_VIDEO, "locales/lv-LV/01-one/04-watch.md": LV_LESSON_VIDEO}
    root = write_course(media_course(**files))
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok
    return root


@pytest.mark.parametrize(
    ("query", "tracks", "default"),
    [("", [("captions", "en")], "en"), ("?variant=lv-LV&lang=lv", [("captions", "en"), ("subtitles", "lv")], "lv")],
)
def test_a_lesson_plays_its_captioned_video_and_a_country_version_adds_its_subtitles(
    client, lesson_course, query, tracks, default
):
    page = client.get(f"/courses/demo/one/watch/{query}").get_data(as_text=True)
    video, document = player_of(page)
    assert video is not None and video.find("source").get("type") == "video/mp4"
    assert [(t.get("kind"), t.get("srclang")) for t in video.findall("track")] == tracks
    assert [t.get("srclang") for t in video.findall("track") if t.get("default") is not None] == [default]
    assert document.find(".//details[@class='transcript']") is not None
    assert '<time datetime="PT95S">' in page


def test_a_lesson_translation_is_exported_with_its_tracks_and_nothing_computed(app, lesson_course):
    file = lesson_course / "demo" / "locales" / "lv-LV" / "01-one" / "04-watch.md"
    with app.app_context(), unit_of_work():
        lv = variant("lv-LV")
        unit = db.session.scalar(select(Unit).where(Unit.slug == "watch", Unit.variant_id.is_(None)))
        assert "media_player" in unit.meta and "media_player" in services.own_translation(lv, unit).meta
        services.save(None, lv, unit, "Krēsls", "Vispirms noņem sēdekli.\n")
        assert export_tree(lesson_course) == [file]
    assert file.read_text().startswith("---\ntitle: Krēsls\ncaptions:\n  lv: media/talk.lv.vtt\n---\n")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            {"01-one/04-story.md": STORY_VIDEO},
            "demo/01-one/04-story.md:8: video without captions in en: add 'captions:'",
        ),
        (
            {"01-one/04-watch.md": LESSON_VIDEO.replace("Take the seat off first.\n", "")},
            "demo/01-one/04-watch.md:4: lesson with media needs a transcript in its body",
        ),
        (
            {"01-one/04-watch.md": LESSON_VIDEO, "locales/lv-LV/01-one/04-watch.md": LV_LESSON_VIDEO.split("\n\n")[0]},
            "demo/locales/lv-LV/01-one/04-watch.md:2: lesson with media needs a transcript in its body",
        ),
    ],
)
def test_media_in_lessons_and_case_stories_is_checked_as_in_interviews(write_course, extra, expected):
    problems = problems_of(write_course, media_course(**extra))
    assert any(p.startswith(expected) for p in problems), problems


def test_a_case_story_links_its_video_on_another_site_above_the_transcript(app, client, write_course):
    story = STORY_VIDEO.replace("media: media/talk.mp4\n", "media: https://vimeo.com/123\nduration: 95\n")
    root = write_course(media_course(**{"01-one/04-story.md": story}))
    with app.app_context(), unit_of_work():
        assert sync_tree(root).ok
    page = client.get("/courses/demo/one/story/").get_data(as_text=True)
    assert '<a href="https://vimeo.com/123" rel="noopener noreferrer">' in page and "<video" not in page
    assert '<time datetime="PT95S">95 seconds</time>' in page
