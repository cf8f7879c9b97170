from django import forms

from xinfang.cases.models import Category

from .models import ArticleCategory, Publication


class PublicationForm(forms.Form):
    """The approver's edit of the masked texts. Whatever is submitted is masked
    again before it is stored."""

    title = forms.CharField(label="公开标题", max_length=100)
    content = forms.CharField(label="信访内容", widget=forms.Textarea(attrs={"rows": 8}))
    reply_text = forms.CharField(label="答复意见", widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回理由", max_length=200)


def _top_categories() -> list[tuple[str, str]]:
    return [("", "全部分类"), *Category.objects.filter(parent__isnull=True).values_list("code", "name")]


def _districts() -> list[tuple[str, str]]:
    found = Publication.public_objects.values_list("district_id", "district__name").distinct().order_by("district_id")
    return [("", "全部区县"), *found]


class CaseFilter(forms.Form):
    """Search of the published cases; invalid input is simply ignored."""

    category = forms.ChoiceField(label="内容分类", required=False)
    district = forms.ChoiceField(label="问题属地", required=False)
    q = forms.CharField(label="关键词", max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _top_categories()
        self.fields["district"].choices = _districts()
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(field, forms.ChoiceField)
                                          else "form-control")


class ArticleFilter(forms.Form):
    category = forms.ChoiceField(label="栏目", required=False, choices=[("", "全部"), *ArticleCategory.choices])
