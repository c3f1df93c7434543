"""The member file's contact columns: the organisation's current primary contact (members.transfer's column group).

Registered in ContactsConfig.ready(), since members may not import contacts. Private: an export has these
columns only when its caller asks for them (the admin for a user who may view contacts, export_members
with --contacts), and the open data never does.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts import validators
from contacts.models import Contact, ContactRole
from contacts.services import contact_roles_set
from members.transfer import BATCH_SIZE, Column, ColumnGroup, Problem, RowPlan
from records import history_strings, names

Role = ContactRole.Role
# Column keys and the contact's fields they hold, in the file's order.
FIELDS = {
    "contact": "name",
    "contact_title": "title",
    "contact_mobile": "mobile",
    "contact_telephone": "telephone",
    "contact_email": "email",
}
COLUMNS = (
    Column("contact", "聯繫人"),
    Column("contact_title", "職務"),
    Column("contact_mobile", "手機"),
    Column("contact_telephone", "電話"),
    Column("contact_email", "電子郵箱"),
)
# Telephones and e-mail compared as the registry matches them, so that a number written another way is no change.
_KEYS = {"mobile": validators.telephone_key, "telephone": validators.telephone_key, "email": validators.email_key}


def primary_contact_cells(organisation_ids: list[int]) -> dict[int, list[str]]:
    """Each organisation's current primary contact as the file's cells, in one query."""
    roles = ContactRole.objects.current().filter(role=Role.PRIMARY, organisation__in=organisation_ids)
    fields = [f"contact__{field}" for field in FIELDS.values()]
    return {organisation: list(cells) for organisation, *cells in roles.values_list("organisation", *fields)}


def check_contacts(plans: list[RowPlan], headers: dict, problems: list[Problem]) -> None:
    """Validate each row's contact cells and work out whom they change: plan.extra["contacts"] becomes
    ``(cells once written, (contact id or None, fields to set, becomes primary))``, or None for no change."""
    current = _current_contacts([plan.organisation_id for plan in plans if plan.organisation_id is not None])
    for plan in plans:
        cells = plan.extra["contacts"]
        wanted, valid = {}, True
        for key, text in cells.items():
            field = FIELDS[key]
            try:
                wanted[field] = Contact._meta.get_field(field).clean(text, None)
            except ValidationError as error:
                problems.extend(Problem(plan.row, headers[key], message) for message in error.messages)
                valid = False
        plan.extra["contacts"] = None
        if not valid:
            continue
        primary, by_name = current.get(plan.organisation_id, (None, {}))
        name = wanted.get("name")
        if name is None or (primary is not None and names.match_key(name) == primary["name_key"]):
            contact = primary
        else:
            contact = by_name.get(names.match_key(name))
        if contact is None and name is None:
            problems.append(
                Problem(plan.row, headers[next(iter(cells))], _("The organisation has no primary contact: add a name."))
            )
            continue
        if contact is None:
            plan.extra["contacts"] = ([wanted.get(f, "") for f in FIELDS.values()], (None, wanted, True))
            continue
        wanted.pop("name", None)  # Matched by name: the same name in another script is no change.
        changes = {field: value for field, value in wanted.items() if _differs(field, value, contact[field])}
        becomes_primary = contact is not primary
        if changes or becomes_primary:
            cells = [changes.get(f, contact[f]) for f in FIELDS.values()]
            plan.extra["contacts"] = (cells, (contact["pk"], changes, becomes_primary))


def _differs(field: str, new: str, old: str) -> bool:
    key = _KEYS.get(field)
    return new != old and (key is None or key(new) != key(old))


def _current_contacts(organisation_ids: list[int]) -> dict[int, tuple[dict | None, dict]]:
    """Organisation id -> (its current primary contact, its current contacts by name key), as values."""
    found = {}
    fields = ["pk", "organisation", "name_key", *FIELDS.values()]
    for start in range(0, len(organisation_ids), BATCH_SIZE):
        batch = organisation_ids[start : start + BATCH_SIZE]
        primaries = set(
            ContactRole.objects.current()
            .filter(role=Role.PRIMARY, organisation__in=batch)
            .values_list("contact", flat=True)
        )
        for contact in Contact.objects.current().filter(organisation__in=batch).order_by("pk").values(*fields):
            primary, by_name = found.setdefault(contact["organisation"], (None, {}))
            by_name.setdefault(contact["name_key"], contact)
            if contact["pk"] in primaries:
                found[contact["organisation"]] = (contact, by_name)
    return found


def write_contacts(plans: list[RowPlan], *, user) -> None:
    """Inside the import's transaction: update or create each row's contact, and hand them the primary role."""
    for plan in plans:
        _, (pk, changes, becomes_primary) = plan.extra["contacts"]
        contact = Contact(organisation_id=plan.organisation_id) if pk is None else Contact.objects.get(pk=pk)
        for field, value in changes.items():
            setattr(contact, field, value)
        if changes or pk is None:
            contact._history_user = user
            contact._change_reason = history_strings.IMPORT
            contact.save()
        if becomes_primary:
            held = set(ContactRole.objects.current().filter(contact=contact).values_list("role", flat=True))
            contact_roles_set(contact=contact, roles=held | {Role.PRIMARY}, by=user)


GROUP = ColumnGroup(
    name="contacts",
    columns=COLUMNS,
    permission="contacts.view_contact",
    import_permissions=("contacts.add_contact", "contacts.change_contact"),
    values=primary_contact_cells,
    check=check_contacts,
    write=write_contacts,
    help=gettext_lazy("Add the primary contact's columns (private: for the secretariat only)."),
)
