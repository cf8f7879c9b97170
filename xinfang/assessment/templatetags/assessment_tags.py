from django import template

register = template.Library()


@register.simple_tag
def query_with(choice, **changes) -> str:
    """The page's query string with some choices changed."""
    return choice.query(**changes)


@register.simple_tag
def drill_query(choice, key: str, part: str, row) -> str:
    """The query string of the drill-down behind one figure of one row."""
    where = {"org": row.key} if choice.group_by == "org" else {"prefix": row.key}
    return choice.query(key=key, part=part, **where)


@register.filter
def get_weight(weights: dict, key: str):
    return weights.get(key, "")
