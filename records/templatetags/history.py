from django import template

from records.history_strings import REASONS

register = template.Library()


@register.filter
def change_reason(reason: str | None):
    """A history row's reason, in the page's language where it is stored as a code ("import")."""
    return REASONS.get(reason, reason)
