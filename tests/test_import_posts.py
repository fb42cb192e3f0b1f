"""Old blog posts in: pages saved the way Korean blog platforms lay them out (a
Tistory-like article, a Brunch-like one, a Naver-like one with its text split in many
divs), a .zip of a saved page, and a Markdown file, each with an image that carries GPS.

The pages are written here in those platforms' shapes (menus, share buttons, comments
around the article); the images are made with Pillow and carry a camera's EXIF.
"""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from PIL import ExifTags, Image

from events.models import Photo
from talks.models import Note
from tests import factories as make
from tests.test_photos import phone_jpeg

pytestmark = pytest.mark.django_db

ARTICLE = [
    "삼성 AI 포럼 2022 둘째 날은 코엑스에서 열렸다.",
    "조경현 교수님의 기조연설은 기계번역의 다음 단계에 대한 이야기였다.",
    "Transformer 이후의 모델들이 어떻게 평가되어야 하는지 질문이 많았다.",
]

TISTORY = """<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>삼성 AI 포럼 2022 후기 :: 민지의 블로그</title>
<meta property="og:title" content="삼성 AI 포럼 2022 후기">
<meta property="article:published_time" content="2022-11-10T21:15:00+09:00">
<script>var tracking = "x";</script><style>.menu{color:red}</style></head>
<body><div id="header"><ul class="menu"><li><a href="/">홈</a></li><li><a href="/tag">태그</a></li></ul></div>
<div class="area_view"><div class="article_view"><div class="tt_article_useless_p_margin">
<h2>둘째 날: 코엑스</h2><p>{0}</p>
<figure class="imageblock"><img src="post_files/keynote.jpg" alt=""><figcaption>조경현 교수 기조연설</figcaption></figure>
<p>{1} <strong>질문</strong>이 이어졌다.</p>
<blockquote><p>번역은 끝나지 않은 문제다.</p></blockquote>
<ul><li>기계번역</li><li><a href="https://www.samsung.com/">Samsung AI Forum</a></li></ul>
<p>{2}</p></div></div></div>
<div class="container_postbtn"><button>공감</button><button>공유하기</button></div>
<div id="comments"><h3>댓글 3</h3><p>좋은 글 감사합니다!</p></div>
<div id="footer">© 민지의 블로그</div></body></html>
"""  # noqa: E501

BRUNCH = """<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>Samsung AI Forum 2022, 둘째 날</title>
<meta property="og:title" content="Samsung AI Forum 2022, 둘째 날"></head>
<body><header class="service_header"><a href="/">brunch</a><button>구독</button></header>
<div class="wrap_body"><div class="cover_title"><h1 class="cover_title">Samsung AI Forum 2022, 둘째 날</h1>
<span class="date">2022. 11. 10. 21:15</span></div>
<div class="wrap_item item_type_text"><h4>기조연설</h4><p class="item_type_text">{0}</p></div>
<div class="wrap_item item_type_img"><img src="post_files/keynote.jpg" alt="기조연설 무대"></div>
<div class="wrap_item item_type_text"><p class="item_type_text">{1}</p></div>
<div class="wrap_item item_type_text"><p class="item_type_text">{2}</p></div></div>
<div class="wrap_sns"><a href="#">공유</a></div><div class="comment">댓글</div></body></html>
"""  # noqa: E501

# Naver's editor splits a paragraph into many spans in many divs, and loads images late.
NAVER = """<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>삼성 AI 포럼 : 네이버 블로그</title>
<meta property="og:title" content="[후기] 삼성 AI 포럼 2022"></head>
<body><div id="gnb">네이버 블로그 메뉴</div><div class="se-main-container">
<div class="se-component se-text"><div class="se-module se-module-text"><p class="se-text-paragraph"><span>{0}</span></p></div></div>
<div class="se-component se-image"><div class="se-module se-module-image"><img src="https://blogthumb.example/a.jpg?type=w80_blur" data-lazy-src="post_files/keynote.jpg" alt=""></div>
<div class="se-module se-module-text se-caption"><p>조경현 교수</p></div></div>
<div class="se-component se-text"><div class="se-module se-module-text"><p class="se-text-paragraph"><span>{1}</span></p><p class="se-text-paragraph"><span>{2}</span></p></div></div>
</div><div class="area_sympathy">공감 12</div><div class="area_comment">댓글 쓰기</div></body></html>
"""  # noqa: E501


@pytest.fixture
def forum(db):
    return make.EventFactory(
        name="Samsung AI Forum 2022",
        slug="samsung-ai-forum-2022",
        start_date=datetime.date(2022, 11, 8),
        visibility="public",
    )


def saved_page(folder, html):
    """A page saved with "Web page, complete": post.html and its post_files folder."""
    (folder / "post_files").mkdir(exist_ok=True)
    (folder / "post_files" / "keynote.jpg").write_bytes(phone_jpeg())
    page = folder / "post.html"
    for number, sentence in enumerate(ARTICLE):
        html = html.replace(f"{{{number}}}", sentence)
    page.write_text(html, encoding="utf-8")
    return page


def run(path, *args):
    out = io.StringIO()
    # Photo files are written when the import commits: here, as the command ends.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command(
            "import_post", str(path), "--event", "samsung-ai-forum-2022", *args, stdout=out
        )
    return out.getvalue()


def assert_photo_in_place(note):
    photo = Photo.objects.get(event=note.event)
    assert photo.url in note.body  # shown in place
    with Image.open(photo.image.path) as stored:
        assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}  # no GPS left
    return photo


@pytest.mark.parametrize(
    ("layout", "title"),
    [
        (TISTORY, "삼성 AI 포럼 2022 후기"),
        (BRUNCH, "Samsung AI Forum 2022, 둘째 날"),
        (NAVER, "[후기] 삼성 AI 포럼 2022"),
    ],
)
def test_a_saved_blog_page_becomes_a_note_with_its_photo(tmp_path, forum, layout, title):
    out = run(saved_page(tmp_path, layout), "--visibility", "public")

    note = Note.objects.get(event=forum)
    assert out.startswith(f'Imported "{title}" into Samsung AI Forum 2022 as a public note')
    assert note.title == title and note.visibility == "public" and note.owner == forum.owner
    for sentence in ARTICLE:
        assert sentence in note.body
    for chrome in ("공감", "공유", "댓글", "tracking", "메뉴", "구독", "color:red"):
        assert chrome not in note.body, chrome
    photo = assert_photo_in_place(note)
    assert photo.visibility == "public"
    # The image's alt, else its caption (Tistory's figcaption, Naver's se-caption).
    assert photo.alt_text in {"조경현 교수 기조연설", "기조연설 무대", "조경현 교수"}


def test_a_tistory_post_keeps_its_structure_and_date(tmp_path, forum):
    run(saved_page(tmp_path, TISTORY))
    note = Note.objects.get()
    assert "## 둘째 날: 코엑스" in note.body
    assert "**질문**" in note.body
    assert "> 번역은 끝나지 않은 문제다." in note.body
    assert "- 기계번역" in note.body
    assert "[Samsung AI Forum](https://www.samsung.com/)" in note.body
    assert note.created_at == datetime.datetime(2022, 11, 10, 12, 15, tzinfo=datetime.UTC)
    assert note.visibility == "private"  # unless asked
    assert Photo.objects.get().alt_text == "조경현 교수 기조연설"


def test_a_zip_of_the_saved_page_and_its_folder(tmp_path, forum):
    folder = tmp_path / "saved"
    folder.mkdir()
    saved_page(folder, BRUNCH)
    archive = tmp_path / "post.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(folder / "post.html", "post.html")
        zipped.write(folder / "post_files" / "keynote.jpg", "post_files/keynote.jpg")
    run(archive)
    assert_photo_in_place(Note.objects.get())


def test_a_markdown_post_with_local_images(tmp_path, forum):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "stage.jpg").write_bytes(phone_jpeg())
    post = tmp_path / "saif-2022.md"
    post.write_text(
        "# SAIF 2022 후기\n\n" + ARTICLE[0] + "\n\n![무대 사진](images/stage.jpg)\n\n"
        "![remote](https://example.com/x.png)\n\n" + ARTICLE[1] + "\n",
        encoding="utf-8",
    )
    run(post)
    note = Note.objects.get()
    assert note.title == "SAIF 2022 후기" and ARTICLE[1] in note.body
    assert "![remote](https://example.com/x.png)" in note.body  # not ours to copy: linked
    assert assert_photo_in_place(note).alt_text == "무대 사진"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("post.html", "<html><body><div>메뉴</div></body></html>", "No article could be read"),
        ("post.pdf", "%PDF-1.4", "Give a saved page (.html), a .zip of it with its files"),
        ("post.zip", "not a zip", "The file is not a zip archive that reads."),
        ("post.md", "", "The Markdown file is empty."),
    ],
)
def test_a_file_with_no_post_is_a_one_line_error(tmp_path, forum, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(CommandError) as error:
        run(path)
    assert message in str(error.value) and "\n" not in str(error.value)
    assert not Note.objects.exists() and not Photo.objects.exists()


def test_an_image_that_is_no_image_stops_the_import_and_writes_nothing(tmp_path, forum):
    page = saved_page(tmp_path, TISTORY)
    (tmp_path / "post_files" / "keynote.jpg").write_bytes(b"<svg onload=alert(1)>")
    with pytest.raises(CommandError) as error:
        run(page)
    assert str(error.value).startswith("post.html: Image 1 of the post:")
    assert not Note.objects.exists() and not Photo.objects.exists()


def test_a_zip_that_reaches_outside_itself_is_refused(tmp_path, forum):
    archive = tmp_path / "post.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../../escape.html", "<p>x</p>")
    with pytest.raises(CommandError, match="outside itself"):
        run(archive)
    assert not (tmp_path.parent / "escape.html").exists()


def test_the_event_admin_page_imports_a_zipped_post(admin_client, admin_user, forum, tmp_path):
    url = f"/admin/events/event/{forum.pk}/import-post/"
    change = admin_client.get(f"/admin/events/event/{forum.pk}/change/").content.decode()
    assert f'href="{url}">Import a post</a>' in change
    saved_page(tmp_path, NAVER)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.write(tmp_path / "post.html", "post.html")
        zipped.write(tmp_path / "post_files" / "keynote.jpg", "post_files/keynote.jpg")
    upload = SimpleUploadedFile("post.zip", buffer.getvalue())
    response = admin_client.post(url, {"file": upload, "visibility": "private"}, follow=True)
    note = Note.objects.get()
    assert response.redirect_chain == [(f"/admin/talks/note/{note.pk}/change/", 302)]
    assert "Imported “[후기] 삼성 AI 포럼 2022” with 1 photo." in response.content.decode()
    assert note.owner == admin_user and note.visibility == "private"
    bad = SimpleUploadedFile("post.html", b"<html><body></body></html>")
    html = admin_client.post(url, {"file": bad, "visibility": "private"}).content.decode()
    assert "No article could be read" in html and Note.objects.count() == 1
