"""Organisation logos: an upload is decoded with Pillow, checked, and re-encoded as a small PNG.

Nothing of the uploaded file is served as it came: the pixels are read (at most
:data:`MAX_PIXELS`, so a small file that unpacks into a huge image is refused before it is
decoded), turned upright by their EXIF orientation, shrunk to :data:`LOGO_SIZE` pixels a side
and written as a fresh PNG, which drops metadata (EXIF, GPS, comments) and anything hidden
after the image. The PNG's digest names its URL, so it is served with a year's caching and
a new logo gets a new address.
"""

from __future__ import annotations

import hashlib
import io

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from elearn.auth.models import User
from elearn.board.errors import BoardError
from elearn.board.models import Organisation, OrganisationLogo
from elearn.board.permissions import can_manage_organisation
from elearn.core.uploads import IMAGE, UploadError, read_upload
from elearn.extensions import db

LOGO_SIZE = 256  # pixels, the longer side
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 25_000_000  # 5000 × 5000


def _reencode(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise BoardError(_l("The image is too large: at most 5,000 × 5,000 pixels."), "logo")
            image.load()
            upright = ImageOps.exif_transpose(image)
            logo = upright.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise BoardError(
            _l("This file could not be read as an image. Please send a PNG, JPEG or WebP file."), "logo"
        ) from error
    logo.thumbnail((LOGO_SIZE, LOGO_SIZE), Image.Resampling.LANCZOS)
    return logo


def set_logo(user: User, organisation: Organisation, storage: FileStorage) -> None:
    """Store an uploaded logo, re-encoded; BoardError (field "logo") says what is wrong with the file."""
    if not can_manage_organisation(user, organisation):
        raise BoardError(_l("You cannot change this organisation's profile."))
    try:
        data = read_upload(storage, kind=IMAGE, max_bytes=MAX_UPLOAD_BYTES)
    except UploadError as error:
        raise BoardError(str(error), "logo") from error
    logo = _reencode(data)
    out = io.BytesIO()
    logo.save(out, "PNG", optimize=True)
    png = out.getvalue()
    row = db.session.get(OrganisationLogo, organisation.id)
    if row is None:
        row = OrganisationLogo(organisation_id=organisation.id, image=png)
        db.session.add(row)
    row.image = png
    organisation.logo_digest = hashlib.sha256(png).hexdigest()[:16]
    organisation.logo_width, organisation.logo_height = logo.size


def remove_logo(user: User, organisation: Organisation) -> None:
    if not can_manage_organisation(user, organisation):
        raise BoardError(_l("You cannot change this organisation's profile."))
    row = db.session.get(OrganisationLogo, organisation.id)
    if row is not None:
        db.session.delete(row)
    organisation.logo_digest, organisation.logo_width, organisation.logo_height = "", 0, 0


def logo_png(organisation: Organisation) -> bytes | None:
    row = db.session.get(OrganisationLogo, organisation.id) if organisation.logo_digest else None
    return row.image if row is not None else None
