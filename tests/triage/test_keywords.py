"""The keyword fallback, alone and as what the form gets when there is no model
or the model is unsure about a matter it never learned."""

import pytest

from xinfang.cases.models import Category
from xinfang.triage import categories, keywords
from xinfang.triage.categories import suggest_category


def test_it_finds_the_top_level_and_the_best_child():
    m = keywords.classify("我家的低保被取消了，请求恢复低保金")
    assert m is not None
    assert (m.top, m.code) == ("MZ", "MZ.01")
    assert "低保" in m.words
    assert 0 < m.confidence <= 0.6  # keywords never claim more than this


def test_it_returns_nothing_without_a_keyword():
    assert keywords.classify("今天天气很好") is None


def test_it_can_be_restricted_to_some_top_levels():
    text = "小区物业乱收费，低保户也要交"
    assert keywords.classify(text).top == "CXJS"
    assert keywords.classify(text, allowed_tops={"MZ"}).top == "MZ"


def test_it_prefers_longer_more_specific_keywords():
    table = {"A.01": ["车"], "B.01": ["出租车"]}
    assert keywords.classify("出租车拒载", table).top == "B"


def test_best_child_stays_under_the_given_top():
    assert keywords.best_child("小区物业费太高", "CXJS")[0] == "CXJS.01"
    assert keywords.best_child("小区物业费太高", "JYWT") is None


@pytest.mark.django_db
def test_without_a_model_the_form_gets_keyword_suggestions(no_model):
    s = suggest_category("户口迁移", "想把孩子的户口迁到无锡，落户需要什么材料")
    assert s is not None and s.source == "keywords"
    assert s.category == Category.objects.get(code="ZF.05")
    assert s.top.code == "ZF"


@pytest.mark.django_db
def test_admins_keyword_edits_are_used(no_model):
    c = Category.objects.get(code="QT.04")
    c.keywords = "舞龙舞狮"
    c.save()
    categories.clear_cache()
    assert suggest_category("", "春节舞龙舞狮活动扰民").category == c


@pytest.mark.django_db
def test_short_input_gets_no_suggestion(no_model):
    assert suggest_category("", "你好") is None


@pytest.fixture
def unsure_model_file(settings, tmp_path):
    """A model over three labels that has learned nothing: every text gets 1/3 each."""
    import numpy as np

    from xinfang.triage import store
    from xinfang.triage.features import Vocabulary
    from xinfang.triage.model import CategoryModel

    vocab = Vocabulary(["c:婚"], np.ones(1), np.ones(1))
    model = CategoryModel(vocab, np.zeros((1, 3)), np.zeros(3), ["城乡建设", "劳动和社会保障", "教育文体"])
    settings.TRIAGE_MODEL_PATH = str(model.save(tmp_path / "unsure.npz"))
    store.clear_cache()
    categories.clear_cache()
    yield
    store.clear_cache()


@pytest.mark.django_db
def test_an_unsure_model_gives_way_to_keywords_for_a_matter_it_never_learned(unsure_model_file):
    s = suggest_category("", "离婚证遗失补办，婚姻登记处在哪里")
    assert (s.source, s.top.code, s.category.code) == ("keywords", "MZ", "MZ.03")


@pytest.mark.django_db
def test_an_unsure_model_keeps_its_answer_when_keywords_point_to_what_it_knows(unsure_model_file):
    s = suggest_category("", "小区物业不作为")
    assert s.source == "model"
    assert s.confidence == pytest.approx(1 / 3, abs=0.01)


@pytest.mark.django_db
def test_a_sure_model_wins_and_its_top_level_label_maps_to_a_system_child(small_model_file):
    s = suggest_category("物业问题", "我们小区的物业公司乱收停车费，业主意见很大")
    assert s.source == "model"
    assert s.top == Category.objects.get(code="CXJS")
    assert s.category == Category.objects.get(code="CXJS.01")  # 物业管理, chosen by its keywords
    assert s.confidence >= categories.LOW_CONFIDENCE


@pytest.mark.django_db
def test_labels_map_by_code_name_or_path():
    cats = {c.code: c for c in Category.objects.select_related("parent")}
    assert categories.resolve_label("CXJS.01", cats).code == "CXJS.01"
    assert categories.resolve_label("城乡建设", cats).code == "CXJS"
    assert categories.resolve_label("城乡建设 › 物业管理", cats).code == "CXJS.01"
    assert categories.resolve_label("不存在", cats) is None


def test_a_contest_label_wider_than_ours_may_land_under_another_top_level(db, settings, tmp_path, monkeypatch):
    """商贸旅游 in the message data includes 市场监管: a price complaint becomes 经济管理 › 价格监管."""
    from tests.triage.samples import SAMPLES
    from xinfang.triage import store
    from xinfang.triage.model import analyse_all, train

    data = {**SAMPLES, "商贸旅游": ["商家乱涨价", "超市价格欺诈", "商场明码标价不规范", "景区门票涨价",
                                    "网购商品价格虚高", "商户哄抬物价"]}
    bodies = [b for v in data.values() for b in v]
    labels = [k for k, v in data.items() for _ in v]
    path = train(analyse_all([""] * len(bodies), bodies), labels).save(tmp_path / "m.npz")
    settings.TRIAGE_MODEL_PATH = str(path)
    store.clear_cache()
    categories.clear_cache()
    s = suggest_category("超市乱涨价", "超市商品价格欺诈，明码标价不实")
    store.clear_cache()
    assert s.source == "model" and s.label == "商贸旅游"
    assert s.category == Category.objects.get(code="JJGL.04")
    assert s.top.code == "JJGL"
