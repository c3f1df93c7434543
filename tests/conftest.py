import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command

from governance.models import Body, Person, Position
from members.models import Industry, Membership, Organisation

FOUNDING_DAY = datetime.date(2017, 7, 22)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a login by design; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded(db):
    call_command("seed", settings.SEED_DIR / "china-green-manufacturing-alliance.toml", stdout=io.StringIO())


@pytest.fixture
def industry(db):
    return Industry.objects.create(name="電子信息", name_en="Electronics and information", slug="electronics")


@pytest.fixture
def organisation(industry):
    return Organisation.objects.create(name="聯想集團", short_name="聯想", industry=industry)


@pytest.fixture
def active_member(organisation):
    Membership.objects.create(organisation=organisation, status=Membership.Status.ACTIVE, since=FOUNDING_DAY)
    return organisation


@pytest.fixture
def council(db):
    return Body.objects.create(name="理事會", name_en="Council", slug="council", kind=Body.Kind.COUNCIL)


@pytest.fixture
def chairman(council):
    return Position.objects.create(body=council, name="理事長", name_en="Chairman", rank=1, seats=1)


@pytest.fixture
def person(db):
    return Person.objects.create(name="楊元慶", name_en="Yang Yuanqing")
