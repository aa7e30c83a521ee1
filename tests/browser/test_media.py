"""The demo interview's video in Chromium: the browser's own player loads the captions (or, in the
Latvian version, the Latvian subtitles) by default, and seeking asks the server for byte ranges.
axe-core checks of the same page, in English and Latvian at 1280 and 360 px: tests/browser/test_pages.py."""

from __future__ import annotations

import pytest

from tests.browser.conftest import COURSE, NARROW, new_context

INTERVIEW = f"/courses/{COURSE}/business-models-and-social-activation/interview-social-worker/"

# The tracks as the browser sees them, once the default one has loaded its cues.
TRACKS = """async () => {
  const video = document.querySelector("video");
  const shown = [...video.textTracks].find(t => t.mode === "showing");
  const element = [...video.querySelectorAll("track")].find(t => t.track === shown);
  if (element.readyState !== 2) {
    await new Promise((resolve, reject) => {
      element.addEventListener("load", resolve, {once: true});
      element.addEventListener("error", reject, {once: true});
    });
  }
  return {
    tracks: [...video.textTracks].map(t => [t.kind, t.language, t.label, t.mode]),
    cues: [...shown.cues].map(c => c.text),
  };
}"""

SEEK = """async seconds => {
  const video = document.querySelector("video");
  if (video.readyState < 1) {
    await new Promise(resolve => {
      video.addEventListener("loadedmetadata", resolve, {once: true});
      video.load();
    });
  }
  await new Promise(resolve => {
    video.addEventListener("seeked", resolve, {once: true});
    video.currentTime = seconds;
  });
  return [video.duration, video.currentTime];
}"""


@pytest.mark.parametrize(
    ("query", "shown", "first_cue"),
    [
        ("", ("captions", "en", "English (captions)", "showing"), "A synthesised voice reads the start"),
        ("?variant=lv-LV&lang=lv", ("subtitles", "lv", "latviešu", "showing"), "Sintezēta balss nolasa"),
    ],
)
def test_the_video_shows_the_readers_captions_by_default(browser, live_server, query, shown, first_cue):
    context = new_context(browser, live_server)
    try:
        page = context.new_page()
        assert page.goto(INTERVIEW + query).status == 200
        found = page.evaluate(TRACKS)
    finally:
        context.close()
    assert shown in [tuple(t) for t in found["tracks"]]
    assert [t[3] for t in found["tracks"]].count("showing") == 1
    assert len(found["cues"]) == 9 and found["cues"][0].startswith(first_cue)
    assert not context.requests.foreign


def test_seeking_the_video_asks_for_byte_ranges(browser, live_server):
    context = new_context(browser, live_server, viewport=NARROW)
    ranges = []
    context.on(
        "response",
        lambda r: ranges.append((r.status, r.request.headers.get("range"))) if ".mp4" in r.url else None,
    )
    try:
        page = context.new_page()
        page.goto(INTERVIEW)
        duration, position = page.evaluate(SEEK, 30)
    finally:
        context.close()
    assert 45 < duration < 46 and abs(position - 30) < 0.5
    assert ranges and all(status == 206 and header and header.startswith("bytes=") for status, header in ranges)
