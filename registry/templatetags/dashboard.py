from django import template

from registry.dashboard import contact_panels
from registry.dashboard import dashboard as dashboard_data

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard(context):
    """The dashboard's panels, for staff who may view organisations."""
    user = context["request"].user
    if not user.has_perm("members.view_organisation"):
        return None
    panels = dashboard_data()
    if user.has_perm("contacts.view_contact"):
        panels = {**panels, **contact_panels()}
    return panels
