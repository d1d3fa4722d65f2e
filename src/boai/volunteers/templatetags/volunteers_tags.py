from django import template

register = template.Library()


@register.filter
def stars(level) -> str:
    """★★★ for level 3; a dash for none."""
    try:
        level = int(level or 0)
    except (TypeError, ValueError):
        return "—"
    return "★" * level if level > 0 else "—"
