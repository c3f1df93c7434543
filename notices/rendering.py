"""A notice as one contact reads it: in their language and script, with their organisation's names filled in."""

from dataclasses import dataclass

from django.template import Context, Engine
from django.utils import translation
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from contacts.models import Contact
from members.models import Membership
from notices.models import Texts
from records import names

# Templates of staff's own text: no loaders, no tags beyond Django's built-ins; unknown names print nothing.
ENGINE = Engine(debug=False, libraries={}, string_if_invalid="")
# The placeholders a notice may use, listed for staff on the notice's page.
PLACEHOLDERS = ["organisation", "short_name", "tier", "member_number", "contact", "title"]


@dataclass(frozen=True)
class Message:
    language: str
    subject: str
    text: str
    html: str


def _in_script(text: str, language: str) -> str:
    if language == "zh-hant":
        return names.scripts(text)[1]
    if language == "zh-hans":
        return names.to_simplified(text)
    return text


def written(texts: Texts, part: str, language: str) -> tuple[str, str]:
    """(text, language it is in) for ``part`` in ``language``, else made from another language's text.

    Traditional is converted from Simplified and the other way round (OpenCC); English readers of a notice
    written in Chinese only get the Chinese, in Simplified.
    """
    own = texts.text(part, language)
    if own:
        return own, language
    for other in ("zh-hans", "zh-hant") if language != "zh-hans" else ("zh-hant",):
        text = texts.text(part, other)
        if text:
            target = language if language in ("zh-hans", "zh-hant") else "zh-hans"
            return _in_script(text, target), target
    return texts.text(part, "en"), "en"


def context_for(contact: Contact, language: str, extra: dict | None = None) -> dict:
    organisation = contact.organisation
    membership = Membership.objects.filter(organisation=organisation).current_first().first()
    with translation.override(language):
        tier = str(membership.get_tier_display()) if membership else ""
    chinese = language if language in ("zh-hans", "zh-hant") else "zh-hans"
    return {
        "organisation": organisation.display_name(language),
        "short_name": _in_script(organisation.short_name, chinese),
        "tier": tier,
        "member_number": getattr(membership, "number", "") or "",
        "contact": contact.name_en if language == "en" and contact.name_en else _in_script(contact.name, chinese),
        "title": _in_script(contact.title, chinese),
        **(extra or {}),
    }


def message_for(texts: Texts, contact: Contact, extra: dict | None = None) -> Message:
    """The notice as ``contact`` receives it."""
    subject, language = written(texts, "subject", contact.language)
    body, _language = written(texts, "body", contact.language)
    context = context_for(contact, language, extra)
    with translation.override(language):
        subject = ENGINE.from_string(subject).render(Context(context, autoescape=False))
        text = ENGINE.from_string(body).render(Context(context, autoescape=False))
    # The HTML part is the text, escaped whole (staff's words too), in paragraphs.
    html = mark_safe(linebreaks(text, autoescape=True))  # noqa: S308
    return Message(language, " ".join(subject.split()), text, html)
