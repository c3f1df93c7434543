"""Show the registry's Chinese text in the page's script, and English on English pages."""

import json
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.encoding import iri_to_uri
from django.utils.safestring import mark_safe

from records import names
from records.models import ChineseNamed

register = template.Library()

HTML_LANG = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}

# The characters json_script escapes, so a value cannot close the <script> element it sits in.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _language() -> str:
    return translation.get_language() or "zh-hans"


@register.filter
def script(text: str) -> str:
    """Chinese text in the page's script: Traditional on zh-hant pages, Simplified elsewhere."""
    if not text:
        return ""
    # scripts() keeps text already in Traditional as written: converting it back would turn 制造 into 製造.
    return names.scripts(text)[1] if _language() == "zh-hant" else names.to_simplified(text)


@register.filter
def local(obj, field: str = "name") -> str:
    """A record's ``field`` for the page's language: ``field_en`` on English pages, else the Chinese in its script."""
    if obj is None:
        return ""
    language = _language()
    if field == "name" and isinstance(obj, ChineseNamed):
        return obj.display_name(language)
    if language == "en":
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return script(getattr(obj, field, "") or "")


@register.simple_tag
def html_lang() -> str:
    return HTML_LANG.get(_language(), _language())


@register.simple_tag
def script_lang() -> str:
    """The language tag of text the ``script`` filter wrote: Chinese, in Simplified on English pages too."""
    return HTML_LANG["zh-hant"] if _language() == "zh-hant" else HTML_LANG["zh-hans"]


@dataclass(frozen=True)
class LanguageVersion:
    """This page in one of the site's languages."""

    code: str
    tag: str
    name_local: str
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[LanguageVersion]:
    """This page in each of the site's languages, worked out once for the alternates and the language switcher."""
    current = _language()
    return [
        LanguageVersion(
            code,
            HTML_LANG.get(code, code),
            translation.get_language_info(code)["name_local"],
            _url_in_language(context.get("request"), code),
            code == current,
        )
        for code, _name in settings.LANGUAGES
    ]


def _url_in_language(request, code: str) -> str:
    """This page's address in another language; the language's home page when it cannot be translated."""
    if request is None:
        return "/"
    path = request.get_full_path()
    translated = path
    # translate_url() without its resolve(): the request has been resolved already.
    match = request.resolver_match
    if match is not None:
        with translation.override(code):
            try:
                translated = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            except NoReverseMatch:
                pass
            else:
                query = request.META.get("QUERY_STRING", "")
                translated += f"?{iri_to_uri(query)}" if query else ""
    if translated == path and code != _language():
        with translation.override(code):
            return reverse("alliance:home")
    return translated


@register.filter
def json_ld(data) -> str:
    """``data`` as a JSON-LD script element, escaped like json_script so no value can end the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
