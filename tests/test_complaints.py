"""The public web complaint form: a case with clean photos, and every way to send it wrong."""
import io
import re
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select

from callin.extensions import db, limiter
from callin.models import Case, CaseAttachment, OutboundSms
from callin.services import cases, complaints, outbox, photos

MB5 = 5 * 1024 * 1024


@pytest.fixture(autouse=True)
def uploads(app, tmp_path):
    """Photos go to a folder of this test's own; the rate limits start from zero."""
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    limiter.reset()
    yield folder
    limiter.reset()


def stored_files(folder):
    return [p for p in Path(folder).rglob("*") if p.is_file()]


def count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def jpeg(size=(400, 200), gps=True, pad_to=None):
    """A JPEG carrying camera, GPS and orientation (6: turn right) EXIF and a comment."""
    exif = Image.Exif()
    if gps:
        exif[ExifTags.Base.Make] = "TestPhone"
        exif[ExifTags.Base.Orientation] = 6
        exif[ExifTags.Base.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N",
                                       ExifTags.GPS.GPSLatitude: (35.0, 59.0, 48.0),
                                       ExifTags.GPS.GPSLongitudeRef: "E",
                                       ExifTags.GPS.GPSLongitude: (119.0, 24.0, 36.0)}
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "JPEG", exif=exif, comment=b"home address")
    data = out.getvalue()
    if pad_to:
        data += b"\0" * (pad_to - len(data))  # decoders ignore what follows the image's end
    return data


def form(ref, **overrides):
    values = {"name": "李秀英", "phone": "138 5361 2345", "town_id": str(ref.town_a.id),
              "community_id": str(ref.community_a.id), "category_id": str(ref.category.id),
              "subcategory_id": str(ref.cold.id),
              "problem": "东坡社区3号楼暖气不热\n室温只有14度，已经一周了。"}
    values.update(overrides)
    return values


def send(client, data, files=()):
    """POST the form with photos given as (name, bytes)."""
    body = dict(data)
    body["photos"] = [(io.BytesIO(content), name, "image/jpeg") for name, content in files]
    return client.post("/complaints/new", data=body, content_type="multipart/form-data")


def the_case():
    db.session.expire_all()
    return db.session.scalars(select(Case)).one()


def test_the_form_is_in_chinese_and_fits_a_phone(client, ref):
    page = client.get("/complaints/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    for chinese in ("网上投诉", "联系电话", "反映问题", "上传照片", "提交投诉"):
        assert chinese in html, chinese
    assert 'name="csrf_token"' in html and f'name="{complaints.HONEYPOT}"' in html
    # Towns, and each community tagged with its town, for the script that filters them.
    assert f'<option value="{ref.town_a.id}">密州街道</option>' in html
    assert f'<option value="{ref.community_b.id}" data-town="{ref.town_b.id}">龙城社区</option>' \
        in html
    assert f'data-parent="{ref.category.id}">暖气不热</option>' in html
    assert page.headers["Cache-Control"] == "no-store"
    assert 'href="/complaints/new"' in client.get("/?stay=1").get_data(as_text=True)


def test_a_complaint_becomes_a_web_case_with_clean_photos_and_an_sms(client, ref, uploads):
    answer = send(client, form(ref), [("IMG_0001.jpg", jpeg()), ("坏管子.jpg", jpeg(gps=False))])
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/complaints/done")

    case = the_case()
    assert (case.channel, case.citizen_phone, case.citizen_name) == ("web", "+8613853612345",
                                                                     "李秀英")
    assert (case.town_id, case.community_id, case.category_id) == (
        ref.town_a.id, ref.community_a.id, ref.cold.id)
    assert case.title == "东坡社区3号楼暖气不热" and "室温只有14度" in case.description

    rows = db.session.scalars(select(CaseAttachment).order_by(CaseAttachment.id)).all()
    assert [r.filename for r in rows] == ["IMG_0001.jpg", "坏管子.jpg"]
    files = stored_files(uploads)
    assert sorted(p.name for p in files) == sorted(r.stored_name for r in rows)
    assert all("IMG" not in p.name for p in files)  # our own names, never the upload's
    first = Image.open(photos.stored_path(rows[0].stored_name))
    assert first.format == "JPEG"
    assert len(first.getexif()) == 0 and "exif" not in first.info
    assert "comment" not in first.info
    raw = photos.stored_path(rows[0].stored_name).read_bytes()
    assert b"TestPhone" not in raw and b"home address" not in raw and b"GPS" not in raw
    assert first.size == (200, 400) == (rows[0].width, rows[0].height)  # turned upright first

    sms = db.session.scalars(select(OutboundSms)).one()
    assert sms.to_phone == "+8613853612345" and sms.case_id == case.id
    assert case.number in sms.text and case.lookup_code in sms.text

    done = client.get("/complaints/done")
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    assert f'data-testid="case-number">{case.number}<' in html
    assert f'data-testid="lookup-code">{case.lookup_code}<' in html
    assert 'href="/track"' in html and "138****2345" in html


def test_a_stranger_cannot_see_someone_elses_confirmation(app, client, ref):
    assert send(client, form(ref)).status_code == 303
    case = the_case()
    stranger = app.test_client()
    answer = stranger.get("/complaints/done")
    assert answer.status_code == 404
    assert case.number not in answer.get_data(as_text=True)
    assert case.lookup_code not in answer.get_data(as_text=True)


HOSTILE = '<script>alert("x")</script>'


def test_script_tags_are_shown_escaped_on_the_form_and_the_case_page(client, ref, login_as):
    again = send(client, form(ref, name=HOSTILE, phone="", problem=HOSTILE + "\x00 水管\x07爆了"))
    html = again.get_data(as_text=True)
    assert again.status_code == 400
    assert HOSTILE not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html

    assert send(client, form(ref, name=HOSTILE, problem=HOSTILE + "\x00 水管\x07爆了")) \
        .status_code == 303
    case = the_case()
    assert case.description == HOSTILE + " 水管爆了"  # NUL and control characters dropped
    page = login_as("office").get(f"/cases/{case.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert HOSTILE not in html and "&lt;script&gt;alert(" in html


def test_a_non_image_renamed_jpg_is_refused_by_name(client, ref, uploads):
    answer = send(client, form(ref), [("holiday.jpg", b"<?php system($_GET['c']); ?>"),
                                      ("run.jpg", b"#!/bin/sh\nrm -rf /\n"),
                                      ("good.jpg", jpeg())])
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "holiday.jpg" in html and "run.jpg" in html and "good.jpg 不是" not in html
    assert count(Case) == 0 and count(CaseAttachment) == 0 and stored_files(uploads) == []


def test_six_photos_are_refused_and_nothing_is_saved(client, ref, uploads):
    answer = send(client, form(ref), [(f"p{i}.jpg", jpeg()) for i in range(6)])
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'data-testid="error-photos"' in html
    assert "6" in re.search(r'data-testid="error-photos">([^<]*)<', html).group(1)
    assert count(Case) == 0 and count(OutboundSms) == 0 and stored_files(uploads) == []


def test_five_photos_are_accepted(client, ref, uploads):
    assert send(client, form(ref), [(f"p{i}.jpg", jpeg()) for i in range(5)]).status_code == 303
    assert count(CaseAttachment) == 5 and len(stored_files(uploads)) == 5


@pytest.mark.parametrize("size, accepted", [(MB5, True), (MB5 + 1, False)])
def test_a_photo_over_5_mb_is_refused(client, ref, uploads, size, accepted):
    answer = send(client, form(ref), [("big.jpg", jpeg(pad_to=size))])
    assert (answer.status_code == 303) is accepted
    if not accepted:
        assert "big.jpg" in answer.get_data(as_text=True)
    assert count(Case) == (1 if accepted else 0)


def test_an_oversized_body_gets_a_clear_413_page(client, ref, uploads):
    answer = send(client, form(ref), [("huge.jpg", b"\xff" * (27 * 1024 * 1024))])
    html = answer.get_data(as_text=True)
    assert answer.status_code == 413
    assert 'data-testid="complaint-problem"' in html and "5 MB" in html
    assert 'href="/complaints/new"' in html
    assert count(Case) == 0 and stored_files(uploads) == []


def test_errors_keep_what_was_typed(client, ref):
    answer = send(client, form(ref, phone=""), [("a.jpg", jpeg())])
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'data-testid="error-phone"' in html
    assert 'value="李秀英"' in html and "室温只有14度，已经一周了。</textarea>" in html
    assert f'<option value="{ref.town_a.id}" selected>' in html
    assert f'<option value="{ref.community_a.id}" data-town="{ref.town_a.id}" selected>' in html
    assert f'<option value="{ref.cold.id}" data-parent="{ref.category.id}" selected>' in html
    assert 'class="rechoose"' in html  # photos must be chosen again, and the page says so

    answer = send(client, form(ref, problem="   "))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'data-testid="error-problem"' in html
    assert 'value="138 5361 2345"' in html and 'class="rechoose"' not in html
    assert count(Case) == 0


def test_a_bad_phone_number_is_a_field_error(client, ref):
    answer = send(client, form(ref, phone="12345"))
    assert answer.status_code == 400
    assert re.search(r'data-testid="error-phone">[^<]+<', answer.get_data(as_text=True))
    assert count(Case) == 0


def test_a_community_of_another_town_is_refused(client, ref):
    answer = send(client, form(ref, community_id=str(ref.community_b.id)))
    assert answer.status_code == 400
    assert 'data-testid="error-community_id"' in answer.get_data(as_text=True)


def test_a_filled_honeypot_is_refused_and_creates_nothing(client, ref, uploads):
    answer = send(client, form(ref, **{complaints.HONEYPOT: "http://spam.example"}),
                  [("a.jpg", jpeg())])
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and 'data-testid="form-problem"' in html
    assert "spam.example" not in html and 'value="李秀英"' in html
    assert count(Case) == 0 and count(OutboundSms) == 0 and stored_files(uploads) == []


def test_the_rate_limit_counts_posts_only_and_explains_the_429(app, client, ref):
    app.config["COMPLAINT_RATE_LIMIT"] = "3 per 10 minutes"
    for _ in range(3):
        assert send(client, form(ref)).status_code == 303
        assert client.get("/complaints/new").status_code == 200  # reading the form is free
    refused = send(client, form(ref))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert "提交" in html and re.search(r"\d+ ?分钟", html), html
    assert count(Case) == 3
    assert client.get("/complaints/new").status_code == 200


def test_csrf_is_checked_when_enabled(app, client, ref):
    app.config["WTF_CSRF_ENABLED"] = True
    refused = send(client, form(ref))
    assert refused.status_code == 400
    assert "表单已过期" in refused.get_data(as_text=True) or "重新加载" in refused.get_data(
        as_text=True)
    assert count(Case) == 0

    page = client.get("/complaints/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert send(client, form(ref, csrf_token=token)).status_code == 303
    assert count(Case) == 1


def test_photos_download_only_for_who_sees_the_case(app, client, ref, users, login_as):
    assert send(client, form(ref), [("pipe.jpg", jpeg())]).status_code == 303
    case = the_case()
    photo = db.session.scalars(select(CaseAttachment)).one()
    url = f"/complaints/photos/{photo.id}"

    shown = login_as("office").get(url)
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert shown.data == photos.stored_path(photo.stored_name).read_bytes()
    assert "private" in shown.headers["Cache-Control"]

    assert app.test_client().get(url).status_code == 404          # anonymous
    assert login_as("department").get(url).status_code == 404     # not on the case (yet)
    assert login_as("office").get(f"/complaints/photos/{photo.id + 1}").status_code == 404
    cases.dispatch_case(case.id, ref.dept_a.id, [], users["office"])
    assert login_as("department").get(url).status_code == 200     # now its department's case


def test_the_photos_partial_links_thumbnails_to_the_download_route(app, client, ref):
    from flask import render_template
    assert send(client, form(ref), [("pipe.jpg", jpeg())]).status_code == 303
    case, photo = the_case(), db.session.scalars(select(CaseAttachment)).one()
    with app.test_request_context():
        html = render_template("cases/_photos.html", case=case)
    assert f'<img src="/complaints/photos/{photo.id}"' in html and "pipe.jpg" in html


def test_a_failing_photo_store_leaves_nothing_half_written(app, client, ref, uploads,
                                                           monkeypatch):
    real, calls = photos.stored_path, []

    def second_fails(name):
        calls.append(name)
        if len(calls) == 2:
            blocker = uploads / "blocked"
            blocker.parent.mkdir(parents=True, exist_ok=True)
            blocker.write_text("a file where a folder should be")
            return blocker / name[:2] / name
        return real(name)
    monkeypatch.setattr(photos, "stored_path", second_fails)
    answer = send(client, form(ref), [("a.jpg", jpeg()), ("b.jpg", jpeg())])
    assert answer.status_code == 503 and 'value="李秀英"' in answer.get_data(as_text=True)
    assert len(calls) == 2
    assert count(Case) == 0 and count(CaseAttachment) == 0 and count(OutboundSms) == 0
    assert [p.name for p in stored_files(uploads)] == ["blocked"]  # the first photo went too


def test_a_failed_transaction_removes_the_stored_files(app, ref, uploads, monkeypatch):
    from werkzeug.datastructures import FileStorage

    def broken(*args, **kwargs):
        raise RuntimeError("queue unavailable")
    monkeypatch.setattr(outbox, "queue_sms", broken)
    upload = FileStorage(io.BytesIO(jpeg()), "a.jpg", "photos", "image/jpeg")
    with pytest.raises(RuntimeError):
        complaints.file_complaint(form(ref), [upload])
    assert count(Case) == 0 and count(CaseAttachment) == 0 and stored_files(uploads) == []
