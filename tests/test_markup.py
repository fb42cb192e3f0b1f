from confjournal.markup import render_markdown


def test_markdown_renders_korean_and_links_with_rel():
    html = render_markdown("**벤지오** [NeurIPS](https://neurips.cc)")
    assert html == (
        '<p><strong>벤지오</strong> <a href="https://neurips.cc" '
        'rel="nofollow noopener noreferrer ugc">NeurIPS</a></p>'
    )


def test_markdown_drops_scripts_handlers_and_script_urls():
    html = render_markdown(
        "<script>alert(1)</script><img src=x onerror=alert(1)> [a](javascript:alert(1)) "
        "[b](java\x01script:alert(1)) ![c](data:image/png;base64,AAAA)"
    )
    assert "<script" not in html and "onerror" not in html
    assert "javascript:" not in html and "data:" not in html
    assert "\x01" not in html
