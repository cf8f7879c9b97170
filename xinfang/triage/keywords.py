"""Keyword fallback classifier: works with no model and no training data.

Each second-level category has keywords (`Category.keywords`, editable by the
system admin; seeded from `cases.taxonomy.CATEGORY_KEYWORDS`). A few extra
words below are generic for a whole top-level category — words that say
"housing" or "school" without saying which sub-matter — and were added where
the held-out measurement showed the seeded lists missing common messages.

Scoring: every distinct keyword found counts its length (a longer keyword is
more specific); a top-level category scores the sum of its children; the
confidence is the winner's share of all matched score, damped because
keyword matching is far less reliable than the model (see
`measure_category_model` for both accuracies)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from xinfang.cases.taxonomy import CATEGORY_KEYWORDS, top_level_of

# Top-level code → generic words of that area (scored like keywords of the top level itself).
TOP_LEVEL_KEYWORDS: dict[str, list[str]] = {
    "CXJS": ["小区", "业主", "开发商", "物业", "房屋", "住房", "拆迁", "安置房", "公租房", "廉租房",
             "楼盘", "交房", "商品房", "施工", "工地", "违建", "违章建筑", "燃气", "供水", "供电",
             "停水", "停电", "路灯", "城管", "占道经营", "垃圾清运", "绿化", "房产", "棚改", "电梯"],
    "LDSB": ["工资", "社保", "养老保险", "公司", "员工", "职工", "劳动", "用人单位", "合同", "人社",
             "退休", "失业", "就业", "工伤", "农民工", "辞退", "公积金", "编制", "待遇", "事业单位"],
    "JYWT": ["学校", "学生", "老师", "教师", "教育", "家长", "孩子上学", "小学", "中学", "幼儿园",
             "高中", "初中", "大学", "学院", "招生", "上学", "培训", "补课", "考试", "文化", "体育"],
    "SMLY": ["商家", "消费者", "商户", "市场", "超市", "商场", "旅游", "景区", "传销", "平台",
             "购买", "商品", "投资", "经营", "店铺", "门面", "网购", "价格", "收费", "营业执照"],
    "HJBH": ["污染", "环保", "排放", "噪音", "噪声", "废气", "污水", "臭味", "粉尘", "扰民",
             "环境", "油烟", "化工厂", "搅拌站", "垃圾焚烧", "养殖场", "刺鼻", "黑烟", "排污", "河流"],
    "WSJS": ["医院", "医生", "患者", "病人", "看病", "医疗", "卫生院", "诊所", "药", "手术",
             "护士", "住院", "生育", "二胎", "计生", "疫苗", "卫健", "医保", "就医", "卫生"],
    "JTYS": ["公交", "出租车", "司机", "车辆", "驾驶", "交通", "道路", "公路", "高速", "地铁",
             "车站", "客运", "运输", "货车", "网约车", "驾校", "收费站", "红绿灯", "路段", "乘客"],
}


@dataclass(frozen=True)
class KeywordMatch:
    code: str  # best second-level code when a child matched, else the top-level code
    top: str
    confidence: float
    words: list[str]  # the keywords that decided it, for the "why" shown to the registrar


def default_table() -> dict[str, list[str]]:
    return {**{k: list(v) for k, v in CATEGORY_KEYWORDS.items()}, **TOP_LEVEL_KEYWORDS}


def classify(text: str, table: Mapping[str, Sequence[str]] | None = None,
             allowed_tops: set[str] | None = None) -> KeywordMatch | None:
    """Best category of `text` by keywords, or None when nothing matched."""
    table = default_table() if table is None else table
    top_score: dict[str, float] = defaultdict(float)
    code_score: dict[str, float] = defaultdict(float)
    hits: dict[str, list[str]] = defaultdict(list)
    for code, words in table.items():
        top = top_level_of(code)
        if allowed_tops is not None and top not in allowed_tops:
            continue
        for w in set(words):
            if w and w in text:
                top_score[top] += len(w)
                code_score[code] += len(w)
                hits[top].append(w)
    if not top_score:
        return None
    top = max(top_score, key=lambda k: (top_score[k], k))
    children = {c: s for c, s in code_score.items() if c != top and top_level_of(c) == top}
    code = max(children, key=lambda k: (children[k], k)) if children else top
    share = top_score[top] / sum(top_score.values())
    return KeywordMatch(code, top, round(0.6 * share, 4), sorted(hits[top], key=len, reverse=True)[:5])


def best_of(text: str, codes: Sequence[str], table: Mapping[str, Sequence[str]] | None = None,
            ) -> tuple[str, list[str]] | None:
    """Of the given second-level categories, the one whose keywords match `text` best."""
    table = default_table() if table is None else table
    best: tuple[float, str, list[str]] | None = None
    for code in codes:
        found = [w for w in set(table.get(code, ())) if w and w in text]
        score = sum(len(w) for w in found)
        if found and (best is None or (score, code) > (best[0], best[1])):
            best = (score, code, sorted(found, key=len, reverse=True)[:3])
    return (best[1], best[2]) if best else None


def best_child(text: str, top: str, table: Mapping[str, Sequence[str]] | None = None) -> tuple[str, list[str]] | None:
    """The second-level category under `top` whose keywords match `text` best."""
    table = default_table() if table is None else table
    return best_of(text, [c for c in table if c != top and top_level_of(c) == top], table)
