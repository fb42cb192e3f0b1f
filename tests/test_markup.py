from confjournal.core.markup import render_markdown


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


def test_markdown_documents_rendered_in_a_row_share_nothing():
    # One converter is reused per thread: what a document defines (footnotes,
    # abbreviations, link references) must not reach the next one.
    first = render_markdown(
        "벤지오[^1] uses HBM and [the paper][ref].\n\n"
        "[^1]: 몬트리올 대학교\n\n*[HBM]: High Bandwidth Memory\n\n[ref]: https://example.org/paper"
    )
    assert "몬트리올 대학교" in first
    assert '<abbr title="High Bandwidth Memory">HBM</abbr>' in first
    assert 'href="https://example.org/paper"' in first
    second = render_markdown("HBM again, [the paper][ref] and [^1].")
    assert second == "<p>HBM again, [the paper][ref] and [^1].</p>"


def test_markdown_in_threads_renders_each_document_whole():
    from concurrent.futures import ThreadPoolExecutor

    sources = [f"# 제목 {n}\n\n본문 {n}[^a]\n\n[^a]: 각주 {n}번" for n in range(40)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        rendered = list(pool.map(render_markdown, sources))
    for n, html in enumerate(rendered):
        assert f"<h1>제목 {n}</h1>" in html and f"각주 {n}번" in html
        assert all(f"각주 {m}번" not in html for m in range(40) if m != n)


def test_markdown_reused_converter_renders_as_a_fresh_one_on_every_naughty_string():
    import markdown

    from confjournal.core import markup
    from tests.datafiles import blns_lines

    lines = blns_lines()
    # Each line alone, then runs of lines as one document, one after another.
    documents = lines + ["\n\n".join(lines[i : i + 25]) for i in range(0, len(lines), 25)]
    for source in documents:
        fresh = markdown.markdown(
            markup.CONTROL_CHARACTERS.sub("", source),
            extensions=markup.EXTENSIONS,
            output_format="html",
        )
        expected = markup.sanitize(fresh)
        assert render_markdown(source) == expected, source[:80]
