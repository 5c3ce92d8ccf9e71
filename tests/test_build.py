"""Build behaviour: output, determinism, atomicity, and what `check` leaves alone."""
import re

from conftest import tree_bytes


def test_build_writes_every_page_in_every_language_with_lang(site, run):
    code, out, _ = run(site, "build", "--no-search")
    assert code == 0
    # 11 written pages, search, the department directory and 3 department pages, subject index, chronology
    assert re.search(r"built public/: pages zh 17, en 17; 5 entries, 1 tables, 1 figures; 0 error\(s\), 0 warning\(s\)", out)
    zh = (site / "public/zh/2022/gov/meetings/index.html").read_text(encoding="utf-8")
    en = (site / "public/en/2022/gov/meetings/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN" ' in zh and '<html lang="en" ' in en
    assert '<span class="entry-mark">【</span>区政府全体会议<span class="entry-mark">】</span>' in zh
    assert 'id="meetings-01" class="entry">Plenary Meeting of the District Government<a' in en
    # 表4 printed over two pages is one table with all its rows.
    table = zh.split('<h3 class="caption-heading" id="t04">')[1].split("</figure>")[0]
    assert table.count("<tr>") == 1 + 3
    assert "表4 (2) + 续表4 (1)" in table
    # The attribution closes its run, after the last entry it covers.
    assert zh.index('<p class="byline">（<span lang="zh-CN">於晓萍</span>）</p>') > zh.index('id="t04"')
    # Links between pages are resolved to URLs.
    assert '<a href="/zh/2022/gov/data/#data-01">数据</a>' in zh


def test_a_site_without_search_has_no_search_page_and_no_search_box(site, run):
    """`search: false`: no index is built, so no page offers a search that cannot work."""
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search: true", "search: false"), encoding="utf-8")
    code, out, _ = run(site, "build")
    assert code == 0 and "pages zh 16, en 16;" in out   # one page fewer in each language
    assert not (site / "public/zh/search").exists() and not (site / "public/pagefind").exists()
    pages = [path for path in (site / "public").rglob("*.html")]
    assert len(pages) > 30
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert 'role="search"' not in html and "/search/" not in html, path
    assert "search/" not in (site / "public/offline.json").read_text(encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace("search: false", "search: true"), encoding="utf-8")
    run(site, "build", "--no-search")
    assert 'role="search"' in (site / "public/zh/2022/gov/meetings/index.html").read_text(encoding="utf-8")
    assert 'role="search"' in (site / "public/404.html").read_text(encoding="utf-8")


def test_untranslated_page_shows_source_text_out_of_search(site, run):
    run(site, "build", "--no-search")
    html = (site / "public/en/2022/gov/data/index.html").read_text(encoding="utf-8")
    assert '<html lang="en" ' in html
    assert "<article>" in html  # no data-pagefind-body: the page stays out of the English index
    assert '<div class="untranslated" lang="zh-CN" data-pagefind-ignore>' in html
    assert '<h1 lang="zh-CN">数据资源管理</h1>' in html
    assert "This page has not been translated yet" in html


def test_two_builds_are_byte_identical(site, run, tmp_path):
    assert run(site, "build", "--output", str(tmp_path / "a"))[0] == 0
    assert run(site, "build", "--output", str(tmp_path / "b"))[0] == 0
    first, second = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert first == second


def enable_search(site):
    config = site / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search: false", "search: true"), encoding="utf-8")


def test_search_index_builds_deterministically(site, run, tmp_path):
    enable_search(site)
    assert run(site, "build", "--output", str(tmp_path / "a"))[0] == 0
    assert run(site, "build", "--output", str(tmp_path / "b"))[0] == 0
    first = tree_bytes(tmp_path / "a")
    assert any(path.startswith("pagefind/zh-cn/0/fragment/") for path in first)
    assert first == tree_bytes(tmp_path / "b")


def test_failed_build_leaves_previous_site_untouched(site, run):
    assert run(site, "build", "--no-search")[0] == 0
    before = tree_bytes(site / "public")
    # A template that fails for one page kind only: rendering stops midway.
    summary = site / "templates/summary.html"
    summary.write_text(summary.read_text(encoding="utf-8").replace("{{ page.title }}", "{{ page.no_such_field }}"),
                       encoding="utf-8")
    (site / "content/2022/gov/data.zh.md").write_text(
        (site / "content/2022/gov/data.zh.md").read_text(encoding="utf-8").replace("概况", "概况（改）"), encoding="utf-8")
    code, _, err = run(site, "build", "--no-search")
    assert code == 1
    assert "the previous site is untouched" in err
    assert tree_bytes(site / "public") == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".public")] == [".public.lock"]   # the lock stays, unlocked


def test_failed_search_step_leaves_previous_site_untouched(site, run, monkeypatch):
    assert run(site, "build", "--no-search")[0] == 0
    before = tree_bytes(site / "public")
    enable_search(site)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    code, _, err = run(site, "build")
    assert code == 1
    assert "error: Pagefind failed" in err
    assert tree_bytes(site / "public") == before


def test_check_writes_nothing(site, run):
    code, out, _ = run(site, "check")
    assert code == 0
    assert out.startswith("check ok: 10 pages, 5 entries, 1 tables, 1 figures; 0 error(s), 0 warning(s)")
    assert not (site / "public").exists()


def test_output_dir_not_written_by_us_is_refused(site, run):
    (site / "public").mkdir()
    (site / "public/notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(site, "build", "--no-search")
    assert code == 1
    assert "config.yaml: error: output_dir 'public' exists and was not written by build.py" in err
    assert (site / "public/notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_photo_beside_its_page_is_published_under_media(site, run):
    page = site / "content/2022/gov/data.zh.md"
    page.write_text(page.read_text(encoding="utf-8").replace("    topic: data-02\n", "    topic: data-02\n    image: photos/p03.png\n", 1),
                    encoding="utf-8")
    photo = b"\x89PNG\r\n\x1a\n" + b"fixture photo bytes"
    (site / "content/2022/gov/photos").mkdir()
    (site / "content/2022/gov/photos/p03.png").write_bytes(photo)
    code, out, err = run(site, "build", "--no-search")
    assert code == 0, err
    assert (site / "public/media/2022/gov/photos/p03.png").read_bytes() == photo
    for lang in ("zh", "en"):
        html = (site / f"public/{lang}/2022/gov/data/index.html").read_text(encoding="utf-8")
        assert '<img src="/media/2022/gov/photos/p03.png"' in html
    # A photo named from outside content/ is refused before anything is written.
    page.write_text(page.read_text(encoding="utf-8").replace("image: photos/p03.png", "image: ../../../config.yaml"), encoding="utf-8")
    code, _, err = run(site, "build", "--no-search")
    assert code == 1
    assert "content/2022/gov/data.zh.md:13:12: error: image file '../../../config.yaml' is outside the content folder" in err


def test_a_link_to_a_table_row_is_checked_like_any_anchor(site, run):
    data = site / "content/2022/gov/data.zh.md"
    text = data.read_text(encoding="utf-8")
    data.write_text(text + "\n见[第一次常务会议](meetings.zh.md#t04-r1)。\n", encoding="utf-8")
    code, _, err = run(site, "build", "--no-search")
    assert code == 0, err
    html = (site / "public/zh/2022/gov/data/index.html").read_text(encoding="utf-8")
    assert '<a href="/zh/2022/gov/meetings/#t04-r1">' in html
    assert 'id="t04-r1"' in (site / "public/zh/2022/gov/meetings/index.html").read_text(encoding="utf-8")
    # A row the table does not have is an error, as for any missing anchor.
    data.write_text(text + "\n见[第九次常务会议](meetings.zh.md#t04-r9)。\n", encoding="utf-8")
    code, _, err = run(site, "check")
    assert code == 1
    assert "#t04-r9" in err


def test_precompressed_files_are_byte_identical_and_decompress_to_the_original(site, run, tmp_path):
    import brotli
    import gzip

    for name in ("a", "b"):
        assert run(site, "build", "--no-search", "--precompress", "--output", str(tmp_path / name))[0] == 0
    first = tree_bytes(tmp_path / "a")
    assert first == tree_bytes(tmp_path / "b")
    originals = [p for p in first if p.endswith(".html") and len(first[p]) >= 256]
    assert originals
    for path in originals:
        assert gzip.decompress(first[path + ".gz"]) == first[path]
        assert brotli.decompress(first[path + ".br"]) == first[path]
    assert not any(p.endswith((".gz.gz", ".br.gz")) for p in first)
    assert b".gz" not in first["offline.json"]   # the offline worker caches the originals only


def test_the_offline_list_is_written_after_search_and_names_every_file(site, run, tmp_path):
    """pipeline.write_site: offline after search (the list names the index files), precompression last."""
    import json

    enable_search(site)
    assert run(site, "build", "--precompress", "--output", str(tmp_path / "out"))[0] == 0
    from yearbook.offline import NOT_CACHED

    groups = json.loads((tmp_path / "out/offline.json").read_text(encoding="utf-8"))["groups"]
    assert set(groups) == {"shell", "2022", "2022:search"}
    listed = set().union(*(set(group["files"]) for group in groups.values()))
    files = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert "pagefind/zh-cn/0/pagefind.js" in groups["shell"]["files"] and "pagefind/facets.zh-cn.yb" in groups["shell"]["files"]
    assert any(f.startswith("pagefind/en/0/index/") for f in groups["shell"]["files"])
    assert not any(f.startswith(NOT_CACHED) or "/fragment/" in f for f in listed)   # search.js reads records instead
    assert "zh/2022/gov/data/" in groups["2022"]["files"] and "search/zh/2022/gov/data.yb" in groups["2022:search"]["files"]
    pages = {f[: -len("index.html")] for f in files if f.endswith("index.html")}
    others = {f for f in files if not f.endswith(("index.html", ".gz", ".br"))} - {"offline.json", "sw.js", ".yearbook-output"}
    unread = ("/fragment/", "-ui.", "pagefind-highlight.")   # Pagefind's: search.js reads records, has its own UI
    assert listed == {f for f in pages | others if not f.startswith(NOT_CACHED) and not any(u in f for u in unread)}
