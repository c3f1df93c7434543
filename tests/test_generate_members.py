import io

from django.core.management import call_command
from django.db import transaction
from django.db.models import F

from governance.models import Person, Term
from members.models import Industry, Membership, Organisation
from members.validators import validate_credit_code


def generate(count=300, seed=7):
    call_command("generate_members", count, seed=seed, people=50, terms=200, stdout=io.StringIO())


def test_generate_members_covers_every_industry_and_status(seeded):
    before = Organisation.objects.count()
    generate()
    assert Organisation.objects.count() == before + 300
    assert not Industry.objects.filter(organisations__isnull=True).exists()
    statuses = set(Membership.objects.values_list("status", flat=True))
    assert statuses == set(Membership.Status.values)
    assert (Person.objects.count(), Term.objects.count()) == (5 + 50, 6 + 200)
    for code in Organisation.objects.exclude(credit_code=None).values_list("credit_code", flat=True):
        validate_credit_code(code)


def test_generate_members_mixes_simplified_and_traditional_names(seeded):
    generate()
    generated = Organisation.objects.filter(slug__startswith="m")
    assert generated.exclude(name=F("name_hans")).exists()
    assert generated.filter(name=F("name_hans")).exists()


def test_generate_members_is_deterministic_for_a_seed(seeded):
    runs = []
    for _ in range(2):
        with transaction.atomic():
            generate(seed=11)
            runs.append(list(Organisation.objects.order_by("id").values_list("name", "credit_code")[21:]))
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert len(runs[0]) == 300
