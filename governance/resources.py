"""django-import-export resources for people and their terms of office."""

from import_export import fields, widgets

from governance.models import Person, Position, Term
from members.models import Organisation
from members.resources import RegistryResource


class PersonResource(RegistryResource):
    class Meta(RegistryResource.Meta):
        model = Person
        fields = ["id", "name", "name_en", "pinyin_override", "description"]


class TermResource(RegistryResource):
    """A term; its position and organisations named as written, its person by id (names may repeat)."""

    position = fields.Field("position", "position", widgets.ForeignKeyWidget(Position, "name"))
    person = fields.Field("person", "person", widgets.ForeignKeyWidget(Person, "pk"))
    organisation = fields.Field("organisation", "organisation", widgets.ForeignKeyWidget(Organisation, "name"))
    affiliation = fields.Field("affiliation", "affiliation", widgets.ForeignKeyWidget(Organisation, "name"))

    class Meta(RegistryResource.Meta):
        model = Term
        fields = ["id", "position", "person", "organisation", "title", "title_en", "affiliation"]
        fields += ["started_on", "ended_on"]
