"""The demo petition text generator: valid, bounded and varied output.

Pure Python, no database: runs with ``-p no:django``."""

import random
import re
from collections import Counter

import pytest

from xinfang.cases.taxonomy import (
    CATEGORY_KEYWORDS,
    DEFAULT_DEPARTMENT,
    SECOND_LEVEL_CODES,
    TAXONOMY,
    TOP_LEVEL_CODES,
    department_for,
)
from xinfang.demo import texts
from xinfang.demo.texts import (
    PURPOSES,
    URGENT_MARKERS,
    Place,
    generate_text,
    random_address,
    random_category,
    random_person,
    random_place,
)

N = 2000
DEPARTMENT_KEYS = {"gongan", "zhujian", "renshe", "shengtai", "jiaoyu", "weijian", "ziran", "shijian",
                   "jiaotong", "chengguan", "minzheng", "nongye", "sifa", "shangwu", "wenlv", "gongxin",
                   "jiwei", "zuzhi", "fagai"}


@pytest.fixture(scope="module")
def batch():
    rng = random.Random(20250315)
    return [generate_text(rng, random_category(rng), random_place(rng)) for _ in range(N)]


def test_it_defines_a_well_formed_taxonomy():
    assert 14 <= len(TAXONOMY) <= 16
    seen = set()
    for code, name, subs in TAXONOMY:
        assert re.fullmatch(r"[A-Z]{2,5}", code) and name
        assert 4 <= len(subs) <= 10
        for i, (sub_code, sub_name) in enumerate(subs, 1):
            assert sub_code == f"{code}.{i:02d}" and sub_name
            assert sub_code not in seen
            seen.add(sub_code)
    assert DEFAULT_DEPARTMENT.keys() == set(TOP_LEVEL_CODES)
    assert set(DEFAULT_DEPARTMENT.values()) <= DEPARTMENT_KEYS
    assert {department_for(code) for code in SECOND_LEVEL_CODES} <= DEPARTMENT_KEYS


def test_it_has_keywords_for_every_second_level_category():
    assert set(CATEGORY_KEYWORDS) == set(SECOND_LEVEL_CODES)
    for code, words in CATEGORY_KEYWORDS.items():
        assert 5 <= len(words) <= 15, code
        assert all(w and w == w.strip() for w in words), code


def test_it_has_scenarios_for_every_category():
    for code in SECOND_LEVEL_CODES:
        assert texts.SCENARIOS_BY_CODE[code], code
    for top in TOP_LEVEL_CODES:
        n = sum(len(texts.SCENARIOS_BY_CODE[c]) for c in SECOND_LEVEL_CODES if c.startswith(top + "."))
        assert n >= 3, top


def test_it_only_produces_known_categories(batch):
    codes = set(SECOND_LEVEL_CODES)
    assert all(t.category_code in codes for t in batch)


def test_it_produces_every_top_level_category(batch):
    assert {t.category_code.split(".")[0] for t in batch} == set(TOP_LEVEL_CODES)


def test_it_weights_construction_and_labour_highest(batch):
    tops = Counter(t.category_code.split(".")[0] for t in batch)
    assert [top for top, _n in tops.most_common(2)] == ["CXJS", "LDSB"]


def test_it_keeps_lengths_within_bounds(batch):
    for t in batch:
        assert 10 <= len(t.title) <= 30, t.title
        assert 80 <= len(t.content) <= 600, t.content
        assert 15 <= len(t.demands) <= 120, t.demands


def test_it_mixes_short_and_long_texts(batch):
    lengths = sorted(len(t.content) for t in batch)
    assert lengths[N // 10] < 120
    assert lengths[N * 9 // 10] > 250


def test_it_fills_every_placeholder(batch):
    for t in batch:
        assert not re.search(r"[{}]", t.title + t.content + t.demands), t


def test_it_uses_valid_purposes(batch):
    purposes = Counter(t.purpose for t in batch)
    assert set(purposes) <= set(PURPOSES)
    assert {"claim", "appeal", "suggestion", "accusation", "inquiry"} <= set(purposes)
    assert purposes["claim"] > N / 2


def test_it_writes_accusations_about_a_named_official(batch):
    accusations = [t for t in batch if t.purpose == "accusation"]
    assert accusations
    assert sum("举报" in t.content or "反映" in t.content for t in accusations) >= len(accusations) * 0.8


def test_it_writes_inquiries_as_questions(batch):
    inquiries = [t for t in batch if t.purpose == "inquiry"]
    assert inquiries
    assert all("？" in t.content for t in inquiries)


def test_it_is_diverse(batch):
    contents = [t.content for t in batch]
    assert len(set(contents)) >= 0.95 * N
    prefixes = Counter(c[:20] for c in contents)
    crowded = sum(n for n in prefixes.values() if n > 21)
    assert crowded <= 0.02 * N
    assert len({t.title for t in batch}) >= 0.5 * N


def test_it_returns_keywords_found_in_the_text(batch):
    for t in batch:
        assert t.keywords
    hits = sum(any(k in t.title + t.content for k in CATEGORY_KEYWORDS[t.category_code]) for t in batch)
    assert hits >= 0.85 * N


def test_it_makes_about_five_percent_urgent(batch):
    urgent = [t for t in batch if t.urgent]
    assert 0.02 * N <= len(urgent) <= 0.09 * N
    for t in batch:
        assert t.urgent == any(m in t.content for m in URGENT_MARKERS), t.content


def test_it_forces_urgent_text_on_request():
    rng = random.Random(7)
    for code in SECOND_LEVEL_CODES:
        t = generate_text(rng, code, random_place(rng), urgent=True)
        assert t.urgent and any(m in t.content for m in URGENT_MARKERS), t.content
        assert t.category_code == code


def test_it_never_threatens_when_urgent_is_false():
    rng = random.Random(8)
    for _ in range(300):
        t = generate_text(rng, random_category(rng), random_place(rng), urgent=False)
        assert not t.urgent and not any(m in t.content for m in URGENT_MARKERS)


def test_it_accepts_a_top_level_code_and_rejects_unknown_codes():
    rng = random.Random(9)
    t = generate_text(rng, "CXJS", Place("梁溪区", "崇安寺街道"))
    assert t.category_code.startswith("CXJS.")
    with pytest.raises(ValueError):
        generate_text(rng, "NOPE.01", Place("梁溪区", "崇安寺街道"))


def test_it_is_deterministic_for_a_seed():
    def run(seed):
        rng = random.Random(seed)
        return [generate_text(rng, random_category(rng), random_place(rng)) for _ in range(50)]

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_it_writes_about_the_given_place():
    rng = random.Random(10)
    place = Place("滨湖区", "蠡园街道")
    mentions = sum(
        any(p in (t := generate_text(rng, random_category(rng), place)).content + t.title
            for p in ("滨湖区", "蠡园街道", "太湖大道", "梁溪路", "青祁路", "蠡溪路", "隐秀路", "湖滨路",
                      "震泽路", "蠡湖大道", "金石路", "梁清路", "建筑西路", "金城西路"))
        for _ in range(300)
    )
    assert mentions >= 60


def test_it_tolerates_places_outside_its_own_lists():
    rng = random.Random(11)
    place = Place("经开区", "华庄街道")
    for _ in range(200):
        t = generate_text(rng, random_category(rng), place)
        assert "{" not in t.content
    assert random_address(rng, place).startswith("无锡市经开区华庄街道")


def test_it_invents_realistic_people():
    rng = random.Random(12)
    people = [random_person(rng) for _ in range(3000)]
    assert {g for _n, g in people} == {"M", "F"}
    assert all(2 <= len(n) <= 4 for n, _g in people)
    surnames = Counter(n[0] for n, _g in people)
    assert {s for s, _n in surnames.most_common(5)} <= set("王李张刘陈杨吴周徐黄赵")
    assert any(n.startswith(("欧阳", "司马", "诸葛", "上官")) for n, _g in people)
    assert len({n for n, _g in people}) > 1000


def test_it_formats_addresses():
    rng = random.Random(13)
    address = random_address(rng, Place("梁溪区", "崇安寺街道"))
    assert re.fullmatch(r"无锡市梁溪区崇安寺街道\w+?(路|街|大道)\d+号(\d+幢\d+室)?", address), address
    town = [random_address(rng, Place("宜兴市", "丁蜀镇")) for _ in range(40)]
    assert all(a.startswith("江苏省宜兴市丁蜀镇") for a in town)
    assert any(re.search(r"村\d+组\d+号$", a) for a in town)
