"""train_category_model and suggest_category, end to end through temp CSV files."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.triage.samples import rows
from xinfang.triage.model import CategoryModel


def write_csv(path, header, data):
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(data)
    return path


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def labelled(tmp_path):
    return write_csv(tmp_path / "train.csv", ["row", "body", "label"],
                     [(i, body, label) for i, (body, label) in enumerate(rows())])


def test_train_then_suggest_round_trip(tmp_path, labelled, no_model):
    model_path = tmp_path / "out" / "model.npz"
    out = run("train_category_model", "--csv", str(labelled), "--out", str(model_path))
    assert "准确率 accuracy = " in out and "宏平均F1 macro-F1 = " in out
    assert model_path.is_file()
    assert set(CategoryModel.load(model_path).classes) == {"城乡建设", "劳动和社会保障", "教育文体"}

    src = write_csv(tmp_path / "in.csv", ["id", "title", "body", "note"], [
        ("1", "物业", "小区物业公司乱收停车费", "甲"),
        ("2", "", "公司拖欠工资半年不发", "乙"),
        ("3", "", "", "丙"),  # empty text: kept, no suggestion
    ])
    dst = tmp_path / "result.csv"
    run("suggest_category", "--csv", str(src), "--out", str(dst), "--model", str(model_path))
    with dst.open(encoding="utf-8") as f:
        result = list(csv.DictReader(f))
    assert list(result[0].keys()) == ["id", "title", "body", "note", "category", "confidence"]
    assert [r["id"] for r in result] == ["1", "2", "3"]
    assert [r["note"] for r in result] == ["甲", "乙", "丙"]
    assert [r["category"] for r in result] == ["城乡建设", "劳动和社会保障", ""]
    assert 0 < float(result[0]["confidence"]) <= 1
    assert result[2]["confidence"] == ""


def test_suggest_uses_the_deployment_model_by_default(tmp_path, small_model_file):
    src = write_csv(tmp_path / "in.csv", ["body"], [("学校乱收资料费，家长负担重",)])
    dst = tmp_path / "out.csv"
    run("suggest_category", "--csv", str(src), "--out", str(dst))
    assert list(csv.DictReader(dst.open(encoding="utf-8")))[0]["category"] == "教育文体"


@pytest.mark.django_db
def test_suggest_falls_back_to_keywords_without_any_model(tmp_path, no_model):
    src = write_csv(tmp_path / "in.csv", ["body"], [("我家的低保被取消了",), ("今天天气很好",)])
    dst = tmp_path / "out.csv"
    assert "关键词" in run("suggest_category", "--csv", str(src), "--out", str(dst))
    result = list(csv.DictReader(dst.open(encoding="utf-8")))
    assert result[0]["category"] == "民政" and float(result[0]["confidence"]) > 0
    assert result[1]["category"] == "" and result[1]["confidence"] == ""


@pytest.mark.parametrize(("header", "data", "message"), [
    (["text", "label"], [("工资", "劳动和社会保障")], "缺少必需的列：body"),
    (["body"], [("工资",)], "缺少必需的列：label"),
    (["body", "label"], [], "没有数据行"),
    (["body", "label"], [("", "城乡建设"), ("物业", "")], "没有同时含有内容"),
    (["body", "label"], [("物业乱收费", "城乡建设"), ("物业不作为", "城乡建设")], "至少需要两个不同的分类"),
])
def test_train_rejects_bad_files_in_chinese_and_writes_nothing(tmp_path, header, data, message):
    src = write_csv(tmp_path / "bad.csv", header, data)
    out = tmp_path / "model.npz"
    with pytest.raises(CommandError, match=message):
        run("train_category_model", "--csv", str(src), "--out", str(out))
    assert not out.exists()


def test_train_rejects_an_empty_or_missing_or_non_utf8_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match="文件为空"):
        run("train_category_model", "--csv", str(empty), "--out", str(tmp_path / "m.npz"))
    with pytest.raises(CommandError, match="找不到文件"):
        run("train_category_model", "--csv", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "m.npz"))
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("body,label\n物业乱收费,城乡建设\n".encode("gbk"))
    with pytest.raises(CommandError, match="UTF-8"):
        run("train_category_model", "--csv", str(gbk), "--out", str(tmp_path / "m.npz"))
    assert not (tmp_path / "m.npz").exists()


def test_suggest_rejects_a_file_without_body_and_writes_nothing(tmp_path, no_model):
    src = write_csv(tmp_path / "in.csv", ["title"], [("物业",)])
    dst = tmp_path / "out.csv"
    with pytest.raises(CommandError, match="缺少必需的列：body"):
        run("suggest_category", "--csv", str(src), "--out", str(dst))
    assert not dst.exists()
    good = write_csv(tmp_path / "good.csv", ["body"], [("物业乱收费",)])
    with pytest.raises(CommandError, match="不能与输入文件相同"):
        run("suggest_category", "--csv", str(good), "--out", str(good))
    assert good.read_bytes() == "body\r\n物业乱收费\r\n".encode()


@pytest.mark.django_db
def test_train_from_history_needs_enough_cases(tmp_path):
    with pytest.raises(CommandError, match="系统历史数据不足"):
        run("train_category_model", "--out", str(tmp_path / "m.npz"))
    assert not (tmp_path / "m.npz").exists()


def test_train_from_history_learns_the_systems_own_categories(tmp_path, orgs, lx_registrar, monkeypatch):
    from tests.cases.test_access_and_search import make_case
    from xinfang.cases.models import Case, Category
    from xinfang.triage import history

    monkeypatch.setattr(history, "MIN_CASES", 6)
    monkeypatch.setattr(history, "MIN_PER_CATEGORY", 3)
    texts = {"CXJS.01": ["小区物业乱收费", "物业公司不作为", "物业服务差"],
             "LDSB.01": ["公司拖欠工资", "包工头欠薪", "工资半年没发"],
             "JYWT.01": ["孩子入学难"]}  # too few: left out
    for i, (code, bodies) in enumerate((c, b) for c, bs in texts.items() for b in bs):
        case = make_case(orgs["lx_bureau"], lx_registrar, title=bodies, content=bodies, seq=i + 1)
        Case.objects.filter(pk=case.pk).update(category=Category.objects.get(code=code))
    out = run("train_category_model", "--skip-eval", "--out", str(tmp_path / "m.npz"))
    assert "系统已登记信访事项，6 条，2 个分类" in out
    assert "1 个分类样本太少" in out
    model = CategoryModel.load(tmp_path / "m.npz")
    assert model.classes == ["CXJS.01", "LDSB.01"]
    assert model.predict("", "物业乱收费").label == "CXJS.01"


def test_seed_routing_rules_command_is_idempotent(orgs):
    first = run("seed_routing_rules")
    assert "新建交办规则" in first and "新建交办规则 0 条" not in first
    assert "新建交办规则 0 条" in run("seed_routing_rules")


def test_measure_prints_accuracy_macro_f1_per_class_and_the_keyword_baseline(tmp_path, small_model_file):
    folder = tmp_path / "data"
    folder.mkdir()
    many = [(body, label) for body, label in rows() for _ in range(2)]
    write_csv(folder / "train_messages.csv", ["row", "body", "label"],
              [(i, body + "。" * (i % 3), label) for i, (body, label) in enumerate(many)])
    out = run("measure_category_model", "--data", str(folder))
    assert "留出集评估" in out
    assert out.count("准确率 accuracy = ") >= 3  # model, keywords, the form's combined policy
    for label in ("城乡建设", "劳动和社会保障", "教育文体"):
        assert f"{label}" in out and "F1 = " in out
    assert "关键词规则" in out and "速度" in out


def test_measure_scores_the_active_model_on_a_labelled_file(tmp_path, small_model_file):
    unseen = write_csv(tmp_path / "unseen.csv", ["title", "body", "label"], [
        ("物业", "小区物业不打扫卫生", "城乡建设"), ("欠薪", "老板欠我们工资", "劳动和社会保障"),
    ])
    out = run("measure_category_model", "--csv", str(unseen), "--data", str(tmp_path / "absent"))
    assert "unseen.csv" in out and "准确率 accuracy = 1.0000" in out


def test_measure_without_data_says_so(tmp_path, small_model_file):
    with pytest.raises(CommandError, match="找不到共享数据"):
        run("measure_category_model", "--data", str(tmp_path / "absent"))
