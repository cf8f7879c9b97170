"""Repeat-petition detection by text similarity (issue 6 §6)."""

import csv
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.cases.test_access_and_search import make_case
from xinfang.supervision.repeats import (
    DEFAULT_THRESHOLD,
    SimilarityIndex,
    TfidfVectorizer,
    candidate_cases,
    similarity,
    tokens,
)

NOISE = "梁溪区清扬路小区楼下烧烤店油烟噪音扰民，每天凌晨两点还在营业，居民无法休息，请城管部门查处。"
NOISE_REPOST = (
    "清扬路小区楼下的烧烤店油烟和噪音严重扰民，每天营业到凌晨两点，居民无法休息，恳请城管部门尽快查处！"
)
WAGES = "我在江阴某建筑工地干了八个月，包工头拖欠工资三万元至今不给，请劳动监察部门帮忙讨薪。"
SCHOOL = "孩子今年上小学，户口在外地，居住证办理满一年了，请问入学需要准备哪些材料？"
ROAD = "村里道路坑洼不平，下雨天积水严重，老人小孩出行很不方便，希望交通部门修缮道路。"


def test_tokens_use_jieba_with_the_user_dictionary():
    toks = tokens("包工头拖欠工资")
    assert "拖欠" in toks and "工资" in toks


def test_identical_texts_score_one_and_unrelated_texts_score_below_the_threshold():
    assert similarity(NOISE, NOISE) == pytest.approx(1.0)
    assert similarity(NOISE, WAGES) < DEFAULT_THRESHOLD
    assert similarity(SCHOOL, ROAD) < DEFAULT_THRESHOLD
    assert similarity(NOISE, NOISE_REPOST) >= DEFAULT_THRESHOLD
    assert similarity("", NOISE) == 0.0


def test_vectorizer_weights_rare_terms_higher_and_normalises():
    vec = TfidfVectorizer().fit([["油烟", "扰民"], ["油烟", "工资"], ["油烟"]])
    v = vec.transform_tokens(["油烟", "扰民"])
    assert v["扰民"] > v["油烟"]
    assert sum(w * w for w in v.values()) == pytest.approx(1.0)


def test_similarity_index_finds_the_reposted_variant_first():
    index = SimilarityIndex([(1, WAGES), (2, NOISE), (3, SCHOOL), (4, ROAD)])
    hits = index.query(NOISE_REPOST, k=3)
    assert hits and hits[0][0] == 2
    assert all(key != 1 for key, _ in hits)
    assert index.query("完全无关的天气预报", threshold=0.9) == []


def test_candidate_cases_stay_in_the_same_district_and_window(orgs, lx_registrar):
    same = make_case(orgs["lx_bureau"], lx_registrar, title="烧烤店油烟噪音扰民", content=NOISE)
    make_case(orgs["lx_bureau"], lx_registrar, title="拖欠工资", content=WAGES, seq=2)
    other = make_case(
        orgs["jy_bureau"], None, title="烧烤店油烟噪音扰民", content=NOISE, region="320281001", seq=3
    )
    since = timezone.now() - timedelta(days=90)
    found = candidate_cases(NOISE_REPOST, "320213001", since=since)
    assert [c for c, _ in found] == [same]
    assert found[0][1] >= DEFAULT_THRESHOLD
    assert [c for c, _ in candidate_cases(NOISE_REPOST, "320281", since=since)] == [other]
    assert candidate_cases(NOISE_REPOST, "320213", since=timezone.now() + timedelta(days=1)) == []
    assert candidate_cases(NOISE_REPOST, "320213", since=since, exclude_ids=[same.pk]) == []


def _write_csv(path):
    rows = [
        (1, "清扬路烧烤店油烟扰民", NOISE, "u1"),
        (2, "清扬路烧烤店油烟扰民", NOISE_REPOST, "u2"),
        (3, "拖欠农民工工资", WAGES, "u3"),
        (4, "拖欠农民工工资", WAGES + "请尽快处理。", "u4"),
        (5, "外地户口孩子入学", SCHOOL, "u5"),
        (6, "A1区村道坑洼积水", ROAD, "u6"),
        (
            7,
            "A1区公交站台破损",
            "公交站台的顶棚破了好几个月，下雨天候车的市民都被淋湿，请公交公司维修。",
            "u7",
        ),
        (
            8,
            "A2区菜市场占道经营",
            "菜市场门口的摊贩长期占道经营，早上上班高峰车辆无法通行，请城管整治。",
            "u8",
        ),
        (9, "A2区物业乱收费", "小区物业在没有业主大会同意的情况下上调物业费，还强制收取停车管理费。", "u9"),
    ]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "body", "time", "likes", "dislikes", "user"])
        for id_, title, body, user in rows:
            writer.writerow([id_, title, body, "2019-01-01 10:00:00", 0, 0, user])


def test_measure_command_prints_precision_and_recall(tmp_path):
    path = tmp_path / "messages.csv"
    _write_csv(path)
    out = StringIO()
    call_command("measure_repeat_detection", csv=str(path), neg_ratio=2, demo_pairs=6, stdout=out)
    text = out.getvalue()
    assert "正例（2 对" in text
    assert text.count("查准率") >= 4 and "查全率" in text and "F1" in text
    assert "二、演示生成文本" in text


def test_measure_command_survives_a_missing_csv(tmp_path):
    out = StringIO()
    call_command("measure_repeat_detection", csv=str(tmp_path / "none.csv"), demo_pairs=4, stdout=out)
    text = out.getvalue()
    assert "未找到文件" in text and "查准率" in text
