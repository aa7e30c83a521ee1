"""Browsers ask every site for /favicon.ico: a small icon, cached, not a 404 page."""

from __future__ import annotations

import io

from PIL import Image


def test_favicon_is_a_small_icon_kept_for_weeks(client):
    response = client.get("/favicon.ico")
    data = response.get_data()
    response.close()  # a file response holds its file open until closed
    assert response.status_code == 200
    assert response.mimetype in {"image/vnd.microsoft.icon", "image/x-icon"}
    assert len(data) < 2048
    assert response.cache_control.max_age >= 30 * 24 * 3600
    assert "no-store" not in response.headers["Cache-Control"]
    icon = Image.open(io.BytesIO(data))
    assert icon.format == "ICO" and {(16, 16), (32, 32)} <= icon.info["sizes"]
