"""The default model that ships in the repository."""

import pytest

from xinfang.cases.models import Category
from xinfang.triage.categories import resolve_label
from xinfang.triage.csvio import read_labelled
from xinfang.triage.evaluation import scores
from xinfang.triage.model import CategoryModel
from xinfang.triage.shared_data import data_dir
from xinfang.triage.store import SHIPPED_MODEL


@pytest.fixture(scope="module")
def shipped() -> CategoryModel:
    return CategoryModel.load(SHIPPED_MODEL)


def test_it_is_small_and_knows_the_seven_top_levels(shipped):
    assert SHIPPED_MODEL.stat().st_size < 4 * 1024 * 1024
    assert sorted(shipped.classes) == sorted(["城乡建设", "劳动和社会保障", "教育文体", "商贸旅游", "环境保护",
                                              "卫生计生", "交通运输"])
    assert shipped.meta["holdout_accuracy"] >= 0.9


@pytest.mark.django_db
def test_every_label_maps_to_a_system_top_level_category(shipped):
    cats = {c.code: c for c in Category.objects.select_related("parent")}
    for label in shipped.classes:
        cat = resolve_label(label, cats)
        assert cat is not None and cat.parent_id is None and cat.name == label


def test_it_reads_plain_petitions_sensibly(shipped):
    assert shipped.predict("拖欠工资", "公司拖欠我们三个月工资，老板失联").label == "劳动和社会保障"
    assert shipped.predict("", "孩子今年小学入学，学区划片不合理，请教育局解决").label == "教育文体"
    assert shipped.predict("", "附近化工厂夜间偷排废气，气味刺鼻").label == "环境保护"


def test_it_still_matches_the_feature_code():
    """Retrain when features.py changes: on (a sample of) its own training data the
    shipped model must be nearly always right, which it is not if the features drifted."""
    folder = data_dir()
    if folder is None:
        pytest.skip("shared citizen-message data not available")
    d = read_labelled(folder / "train_messages.csv")
    model = CategoryModel.load(SHIPPED_MODEL)
    idx = range(0, len(d.labels), 10)
    predicted = [model.predict(d.titles[i], d.bodies[i]).label for i in idx]
    assert scores([d.labels[i] for i in idx], predicted).accuracy >= 0.97
