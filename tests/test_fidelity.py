"""No seed text was lost: every sentence fragment of the five source documents
(six or more Chinese characters; newspaper and web-page furniture excluded)
occurs in content/, after folding character width, whitespace and markup."""
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

SEEDS = sorted((FIXTURES / "seeds").glob("0*.txt"))
FURNITURE = [  # page furniture of the newspaper site and the disclosure site: not content
    r"^第0\d版", r"上一版", r"下一版", r"上一篇", r"下一篇", r"放大 ?缩小 ?默认", r"^标题导航$", r"^今日拱墅专版\d", r"^点击率",
    r"^信息索引号", r"^发布机构", r"^备注/文号", r"^生成日期", r"^发布日期",
]
CJK = re.compile(r"[\u4e00-\u9fff]")
FOLD = str.maketrans({"【": "", "】": "", "“": "", "”": "", "‘": "", "’": "", '"': "", "'": "", "▶": "", "·": ""})
MARKUP = re.compile(r"\{#[a-z0-9-]+\}|[\s*_#>|`\\\[\]{}~]+")
JUMP_MARKERS = re.compile(r"\(下转\d版\)|\(紧接\d版\)")


def fold(text: str) -> str:
    """Width-fold (NFKC), drop quotes, whitespace and Markdown markup."""
    text = JUMP_MARKERS.sub("", unicodedata.normalize("NFKC", text).translate(FOLD))
    return MARKUP.sub("", text)


def fragments(text: str):
    for line in text.splitlines():
        line = line.strip().replace("\u00a0", " ")
        if not line or any(re.search(p, line) for p in FURNITURE):
            continue
        for part in re.split(r"(?<=[。！？；;])", line):
            folded = fold(part)
            if len(CJK.findall(folded)) >= 6:
                yield folded


def content_corpus() -> str:
    chunks = []
    for path in sorted((ROOT / "content").rglob("*")):
        if path.suffix in (".md", ".yaml", ".tsv"):
            chunks.append(fold(path.read_text(encoding="utf-8")))
        if path.name.endswith(".table.yaml"):  # the header row lives on as the column labels
            labels = re.findall(r"zh: ([^,}]+)", path.read_text(encoding="utf-8").split("columns:")[1].split("parts:")[0])
            chunks.append(fold("".join(labels)))
    return "\0".join(chunks)


@pytest.fixture(scope="module")
def corpus() -> str:
    return content_corpus()


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_every_seed_fragment_is_in_content(seed: Path, corpus: str):
    all_fragments = list(dict.fromkeys(fragments(seed.read_text(encoding="utf-8"))))
    missing = [f for f in all_fragments if f not in corpus]
    assert len(all_fragments) > 50
    assert missing == [], f"{len(missing)} of {len(all_fragments)} fragments missing, e.g. {missing[:3]}"
