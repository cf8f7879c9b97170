"""The classifier itself: trains on a small labelled set, predicts with a
calibrated confidence, survives a save/load round trip unchanged."""

import numpy as np
import pytest

from tests.triage.samples import rows
from xinfang.triage.evaluation import scores, split
from xinfang.triage.features import normalise
from xinfang.triage.model import CategoryModel, analyse_all, train


@pytest.fixture(scope="module")
def small_model() -> CategoryModel:
    bodies, labels = zip(*rows(), strict=True)
    return train(analyse_all([""] * len(bodies), list(bodies)), list(labels))


def test_it_predicts_the_area_of_unseen_messages(small_model):
    assert small_model.predict("", "我们小区的物业公司从来不打扫卫生").label == "城乡建设"
    assert small_model.predict("", "老板拖欠我们的工资已经半年").label == "劳动和社会保障"
    assert small_model.predict("", "学校老师要求学生参加收费补课").label == "教育文体"


def test_its_confidence_is_a_probability_over_all_labels(small_model):
    p = small_model.predict("工资", "公司拖欠工资")
    assert [label for label, _ in p.ranking][0] == p.label
    assert sum(prob for _, prob in p.ranking) == pytest.approx(1.0, abs=1e-5)
    assert 0 < p.confidence <= 1
    assert set(dict(p.ranking)) == {"城乡建设", "劳动和社会保障", "教育文体"}


def test_it_uses_the_title_too(small_model):
    # The same neutral body leans to whatever the title says.
    body = "情况如上，请有关部门尽快处理。"
    assert small_model.predict("学校乱收费", body).label == "教育文体"
    assert small_model.predict("拖欠工资", body).label == "劳动和社会保障"


def test_it_saves_and_loads_without_changing_a_prediction(small_model, tmp_path):
    path = small_model.save(tmp_path / "m.npz")
    loaded = CategoryModel.load(path)
    assert loaded.classes == small_model.classes
    for body, _ in rows():
        a, b = small_model.predict("", body), loaded.predict("", body)
        assert a.label == b.label
        assert a.confidence == pytest.approx(b.confidence, abs=0.01)  # coefficients are stored as float16


def test_it_refuses_a_file_of_another_format(small_model, tmp_path):
    path = small_model.save(tmp_path / "m.npz")
    with np.load(path) as z:
        arrays = dict(z)
    arrays["format_version"] = np.array(99)
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ValueError, match="format"):
        CategoryModel.load(tmp_path / "bad.npz")


def test_it_needs_two_categories():
    with pytest.raises(ValueError):
        train(analyse_all(["", ""], ["甲", "乙"]), ["城乡建设", "城乡建设"])


def test_normalise_drops_whitespace_and_puts_the_title_first():
    assert normalise("标题 一", " 正文\n二 ") == "标题一。正文二"
    assert normalise("", "ABC def") == "abcdef"


def test_split_is_stratified_and_repeatable():
    labels = ["a"] * 10 + ["b"] * 5 + ["c"]
    tr, te = split(labels)
    assert (tr, te) == split(labels)
    assert sorted(tr + te) == list(range(16))
    assert [labels[i] for i in te].count("a") == 2 and [labels[i] for i in te].count("b") == 1
    assert 15 in tr  # a single example stays in training


def test_scores_compute_accuracy_and_macro_f1():
    s = scores(["a", "a", "b", "b"], ["a", "b", "b", "b"])
    assert s.accuracy == 0.75
    assert s.per_class["a"] == (pytest.approx(2 / 3), 2)
    assert s.per_class["b"] == (pytest.approx(0.8), 2)
    assert s.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)
