"""The governance tables, and a member's offices on its page."""

from django import template
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from governance.models import Term
from records.templatetags.public import local

register = template.Library()


@register.simple_tag
def offices_of(organisation) -> list[Term]:
    """The alliance's offices ``organisation`` holds now, or its people hold on its behalf."""
    held = Q(affiliation=organisation) | Q(organisation=organisation)
    return list(Term.objects.with_positions().current().filter(held))


# The governance page's tables, written like the member lists: about 115 rows at 100,000 members, which
# cost the template language 2.4–3.1 ms more a request.


@register.simple_tag
def office_rows(positions) -> SafeString:
    """A body's table rows: each position's current holders, or "Vacant", and a link to the holders not shown.

    A date cell carries its column's name, which a phone shows beside it in place of the table's header.
    """
    since = gettext("Since")
    return format_html_join("", "{}", ((_office_rows(position, since),) for position in positions))


def _office_rows(position, since: str) -> SafeString:
    name, terms = local(position), position.current_terms
    if terms:
        rows = format_html_join(
            "",
            '\n        <tr><th scope="row">{}</th><td>{}</td><td>{}</td><td data-label="{}">{}</td></tr>',
            ((name, local(term.holder), local(term, "title"), since, term.started_on.isoformat()) for term in terms),
        )
    else:
        rows = format_html(
            '\n        <tr><th scope="row">{}</th><td colspan="3" class="muted">{}</td></tr>', name, gettext("Vacant")
        )
    if position.more_holders:
        more = ngettext("and %(counter)s more holder", "and %(counter)s more holders", position.more_holders) % {
            "counter": localize(position.more_holders)
        }
        address = reverse("governance:position", args=[position.pk])
        rows += format_html(
            '\n        <tr><th scope="row">{}</th><td colspan="3"><a href="{}">{}</a></td></tr>', name, address, more
        )
    return rows


@register.simple_tag
def past_term_rows(terms) -> SafeString:
    """The past terms' table rows: position (with its body), holder, title, from and to."""
    start, end = gettext("From"), gettext("To")
    return format_html_join(
        "",
        '\n        <tr><th scope="row">{}</th><td>{}</td><td>{}</td>'
        '<td data-label="{}">{}</td><td data-label="{}">{}</td></tr>',
        (
            (
                f"{local(term.position.body)} {local(term.position)}" if term.position.body else local(term.position),
                local(term.holder),
                local(term, "title"),
                start,
                term.started_on.isoformat(),
                end,
                term.ended_on.isoformat(),
            )
            for term in terms
        ),
    )
