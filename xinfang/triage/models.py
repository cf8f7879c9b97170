"""The routing table: which org is competent for a category of matters in a
region (属地管理、分级负责). Edited by the system admin in Django admin."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from xinfang.cases.models import Category
from xinfang.orgs.models import Org


class RoutingRule(models.Model):
    """Issue region (a prefix of the 区划代码) + content category → competent org.

    The most specific active rule wins: a second-level category before its top
    level before "any category" (so a city-wide "城乡规划 → 自然资源和规划局"
    beats a county's general "城乡建设 → 住建局"), then the longest region
    prefix (the issue's own locality before a wider one), then the higher
    priority."""

    region_prefix = models.CharField(
        "问题属地区划代码前缀", max_length=12, blank=True,
        validators=[RegexValidator(r"^\d*$", "区划代码前缀只能由数字组成")],
        help_text="如 320213 表示梁溪区全部镇街；留空表示所有地区",
    )
    category = models.ForeignKey(
        Category, verbose_name="内容分类", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text="可选一级或二级分类；留空表示所有分类",
    )
    org = models.ForeignKey(Org, verbose_name="建议交办单位", on_delete=models.CASCADE, related_name="+")
    priority = models.SmallIntegerField("优先级", default=0, help_text="同等具体的规则中，数值大者优先")
    is_active = models.BooleanField("启用", default=True)
    note = models.CharField("说明", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "交办规则"
        verbose_name_plural = "交办规则"
        ordering = ["region_prefix", "category__code", "-priority"]
        indexes = [models.Index(fields=["region_prefix", "is_active"], name="routing_rule_prefix")]

    def __str__(self) -> str:
        where = self.region_prefix or "全部地区"
        what = str(self.category) if self.category_id else "全部分类"
        return f"{where} · {what} → {self.org}"

    @property
    def category_level(self) -> int:
        """2 = second-level, 1 = top-level, 0 = any: part of the specificity order."""
        if not self.category_id or self.category is None:
            return 0
        return 2 if self.category.parent_id else 1

    def clean(self) -> None:
        if self.org_id and not self.org.is_active:
            raise ValidationError({"org": "该单位已停用，不能作为交办单位"})
