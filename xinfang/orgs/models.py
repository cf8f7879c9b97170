"""Regions (统计用区划代码), the org tree and who works where in which role."""

from django.conf import settings
from django.db import models


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省级"
    CITY = 2, "市级"
    COUNTY = 3, "县区级"
    TOWN = 4, "镇街级"


class Region(models.Model):
    """An administrative division. The code is the statistics code as published
    (2, 4, 6 or 9 digits); a child's code always starts with its parent's, so a
    subtree is a code range — indexable on every database, no recursive query."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("层级", choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        names = [r.name for r in self.ancestors(include_self=True) if r.name not in ("市辖区", "省直辖县级行政区划")]
        return "".join(names)

    def ancestors(self, include_self: bool = False) -> list["Region"]:
        chain: list[Region] = [self] if include_self else []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def subtree_bounds(self) -> tuple[str, str]:
        """(low, high) such that every code in this subtree satisfies low <= code < high."""
        return self.code, self.code + "\uffff"


class OrgKind(models.TextChoices):
    BUREAU = "bureau", "信访部门"
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "职能部门"
    POLITICO_LEGAL = "politico_legal", "政法机关"
    DISCIPLINE = "discipline", "纪检监察机关"
    THIRD_PARTY = "third_party", "第三方机构"


class Org(models.Model):
    """An organ that registers, handles or reviews petitions.

    `parent` is the administrative tree (a department belongs to its government);
    `superior` is the organ that reviews this org's decisions (复查), which for a
    department is usually its government, for a government the one above it."""

    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("单位类型", max_length=20, choices=OrgKind.choices)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="orgs")
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    superior = models.ForeignKey(
        "self", verbose_name="复查机关", null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_orgs"
    )
    # Materialised path of ids ("/1/4/17/"): subtree queries are one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    # A stable key for the kind of remit ("zhujian", "gongan" …): routing tables refer to it.
    remit = models.CharField("职能类别", max_length=30, blank=True, db_index=True)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    reception_hours = models.CharField("接待时间", max_length=100, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="org_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = (self.parent.path if self.parent_id and self.parent else "/") + f"{self.pk}/"
        if path != self.path:
            old = self.path
            self.path = path
            Org.objects.filter(pk=self.pk).update(path=path)
            if old:
                # Moving an org moves its subtree: rewrite the descendants' prefixes.
                for child in Org.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    Org.objects.filter(pk=child.pk).update(path=path + child.path[len(old):])

    @property
    def is_bureau(self) -> bool:
        return self.kind == OrgKind.BUREAU

    def subtree(self) -> models.QuerySet["Org"]:
        return Org.objects.filter(path__startswith=self.path)


class Role(models.TextChoices):
    REGISTRAR = "registrar", "登记员"
    HANDLER = "handler", "承办人"
    LEADER = "leader", "领导"
    SUPERVISOR = "supervisor", "督查员"
    ANALYST = "analyst", "分析员"
    EVALUATOR = "evaluator", "第三方评议员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


# Roles that act on cases. The three admin roles (三权分立) maintain the system
# and its audit trail but see no petition content.
CASE_ROLES = frozenset({Role.REGISTRAR, Role.HANDLER, Role.LEADER, Role.SUPERVISOR, Role.ANALYST, Role.EVALUATOR})
# Roles that need the petitioner's full identity to do their job (contact, verify).
IDENTITY_ROLES = frozenset({Role.REGISTRAR, Role.HANDLER, Role.LEADER})


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships"
    )
    org = models.ForeignKey(Org, verbose_name="单位", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.org} · {self.get_role_display()}"
