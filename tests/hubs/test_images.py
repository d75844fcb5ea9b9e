"""Uploaded images: only real JPEG, PNG and WebP survive, re-encoded without metadata."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from hubs.images import clean_image
from hubs.models import Business
from tests.factories import make_user


def _image_bytes(fmt="PNG", size=(64, 48), mode="RGB", **save_args):
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 1).save(buffer, fmt, **save_args)
    return buffer.getvalue()


def _upload(content, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _jpeg_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x8825] = {1: "N", 2: (41.0, 13.0, 22.0), 3: "W", 4: (111.0, 58.0, 0.0)}  # GPS
    return _image_bytes("JPEG", exif=exif.tobytes())


def test_clean_image_reencodes_and_strips_exif_and_gps():
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()[0x010F] == "Camera Maker"

    cleaned = clean_image(_upload(original, "photo.jpg", "image/jpeg"))

    result = Image.open(io.BytesIO(cleaned.read()))
    assert result.format == "JPEG"
    assert dict(result.getexif()) == {}
    assert cleaned.name.endswith(".jpg")
    assert cleaned.name != "photo.jpg" and len(cleaned.name) == 36


def test_clean_image_resizes_large_images():
    cleaned = clean_image(_upload(_image_bytes(size=(4000, 2000))))

    assert Image.open(io.BytesIO(cleaned.read())).size == (1600, 800)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.png", "The file is empty."),
        (b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", "renamed.png", "not a JPEG, PNG or WebP"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "x.svg",
            "not a JPEG, PNG or WebP",
        ),
        (
            _image_bytes("GIF") + b"<html><script>alert(1)</script></html>",
            "poly.png",
            "Upload a JPEG, PNG or WebP image.",
        ),
        (
            _image_bytes("PNG", size=(9000, 9000), mode="1"),
            "bomb.png",
            "The image has too many pixels.",
        ),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "truncated.png", "not a JPEG, PNG or WebP"),
        (b"x" * (5 * 1024 * 1024 + 1), "huge.png", "The image is larger than 5 MB."),
    ],
)
def test_clean_image_refuses_what_is_not_a_safe_image(content, name, message):
    with pytest.raises(ValidationError) as error:
        clean_image(_upload(content, name))

    assert message in error.value.messages[0]


@pytest.mark.django_db
def test_business_logo_upload_refused_leaves_no_file_and_no_row(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_user())
    data = {
        "name": "Logo Test Co",
        "industry": "339920",
        "place_text": "Ogden, UT",
        "logo_upload": _upload(b"%PDF-1.7 not an image", "../../etc/passwd.png"),
    }

    response = client.post(reverse("hubs:business_create"), data)

    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP" in response.content.decode()
    assert not Business.objects.filter(name="Logo Test Co").exists()
    assert list(tmp_path.rglob("*")) == []


@pytest.mark.django_db
def test_business_logo_upload_is_stored_under_a_generated_name(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_user())
    data = {
        "name": "Logo Test Co",
        "industry": "339920",
        "place_text": "Ogden, UT",
        "logo_upload": _upload(_jpeg_with_gps(), "my <script>.jpg", "image/jpeg"),
    }

    client.post(reverse("hubs:business_create"), data)

    business = Business.objects.get(name="Logo Test Co")
    stored = list(tmp_path.rglob("*.jpg"))
    assert [p.name for p in stored] == [business.logo.name.rsplit("/", 1)[1]]
    assert business.logo.name.startswith("businesses/logos/")
    assert dict(Image.open(stored[0]).getexif()) == {}


@pytest.mark.django_db
def test_a_replaced_logo_is_deleted_from_disk(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    from tests.factories import make_business

    settings.MEDIA_ROOT = tmp_path
    owner = make_user()
    business = make_business(name="Logo Swap Co")
    business.owners.add(owner)
    client.force_login(owner)
    url = reverse("hubs:business_edit", args=[business.slug])
    data = {
        "name": "Logo Swap Co",
        "industry": business.industry.code,
        "latitude": business.latitude,
        "longitude": business.longitude,
        "size": "2-9",
    }

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "logo_upload": _upload(_image_bytes())})
    business.refresh_from_db()
    first = business.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "logo_upload": _upload(_image_bytes(size=(32, 32)))})
    business.refresh_from_db()

    assert business.logo.name != first
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.png")] == [
        business.logo.name
    ]


def test_clean_image_refuses_6300_by_6300_pixels_before_decoding(monkeypatch):
    content = _image_bytes("PNG", size=(6300, 6300), mode="1")
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))

    with pytest.raises(ValidationError) as error:
        clean_image(_upload(content, "wide.png"))

    assert error.value.messages == ["The image has too many pixels."]
    assert decoded == []


def test_clean_image_accepts_a_phone_cameras_mpo_as_a_jpeg():
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (64, 48), (200, 30, 30)), Image.new("RGB", (64, 48))
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    cleaned = clean_image(_upload(buffer.getvalue(), "phone.jpg", "image/jpeg"))

    image = Image.open(io.BytesIO(cleaned.read()))
    assert (image.format, image.size, getattr(image, "n_frames", 1)) == ("JPEG", (64, 48), 1)
    assert cleaned.name.endswith(".jpg")


@pytest.mark.django_db
def test_image_uploads_are_rate_limited_per_user(client, settings, tmp_path):
    from tests.factories import make_business

    settings.MEDIA_ROOT = tmp_path
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "upload": "2/h/user"}
    owner = make_user()
    business = make_business(name="Busy Uploader")
    business.owners.add(owner)
    client.force_login(owner)
    url = reverse("hubs:business_edit", args=[business.slug])
    data = {
        "name": "Busy Uploader",
        "industry": business.industry.code,
        "latitude": business.latitude,
        "longitude": business.longitude,
        "size": "2-9",
    }

    for _ in range(2):
        client.post(url, {**data, "logo_upload": _upload(_image_bytes())})
    business.refresh_from_db()
    second = business.logo.name
    third = client.post(url, {**data, "logo_upload": _upload(_image_bytes())})
    without_image = client.post(url, {**data, "name": "Busy Uploader Ltd"})

    business.refresh_from_db()
    assert third.status_code == 200
    assert "You have uploaded many images recently" in third.content.decode()
    assert business.logo.name == second
    assert without_image.status_code == 302
    assert business.name == "Busy Uploader Ltd"
