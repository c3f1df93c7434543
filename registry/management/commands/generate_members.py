"""A realistic synthetic registry for benchmarks: deterministic for a given seed."""

import datetime
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from governance.models import Body, Person, Position, Term
from members import listing
from members.models import Industry, Membership, Organisation
from members.validators import CREDIT_CODE_CHARACTERS, credit_code_check_character
from records import names
from records.caching import bump_public_version

REGIONS = list("京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵云陕甘青蒙桂藏宁新港澳台") + [
    "华东",
    "华南",
    "华北",
    "华中",
    "西南",
    "西北",
    "东北",
    "长三角",
    "珠三角",
    "渤海",
]
WORDS = list("绿能智造新材精工恒泰华兴盛达远航鼎立宏图天成中联安信通创和顺长城东方金源海纳百川星辰光明")
TRADES = [
    "科技",
    "环保",
    "节能",
    "电子",
    "信息",
    "装备",
    "机械",
    "钢铁",
    "有色",
    "石化",
    "化工",
    "建材",
    "能源",
    "纺织",
    "轻工",
    "家电",
    "汽车零部件",
    "新能源",
    "智能制造",
    "循环经济",
    "低碳",
    "材料",
    "电气",
    "光电",
]
SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司", "集团", "研究院", "科技有限公司"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁")
GIVEN = list("国元庆毅中济旭红斌伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文志")

STATUS_WEIGHTS = [
    (Membership.Status.ACTIVE, 90),
    (Membership.Status.APPLIED, 5),
    (Membership.Status.SUSPENDED, 4),
    (Membership.Status.WITHDRAWN, 1),
]
TERM_PERIODS = [(2017, 2020), (2020, 2023), (2023, 2026), (2026, None)]
BATCH = 5000


class Command(BaseCommand):
    help = "Add N synthetic member organisations, 2,000 people and 10,000 terms (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument("--terms", type=int, default=10000)

    def handle(self, *args, count, seed, people, terms, **options):
        if count < 1 or count > len(REGIONS) * len(WORDS) ** 2 * len(TRADES) * len(SUFFIXES):
            raise CommandError("count must be positive and below the number of distinct names the generator can make.")
        industries = list(Industry.objects.all())
        if not industries:
            raise CommandError("No industries: run `manage.py seed` first.")
        rng = random.Random(seed)
        started = time.perf_counter()
        with transaction.atomic():
            organisations = self.organisations(rng, count, industries, seed)
            self.memberships(rng, organisations)
            self.governance(rng, people, terms, organisations)
            listing.count_members(Industry.objects.all())
            bump_public_version()
        self.stdout.write(
            f"Generated {count} organisations, {people} people and {terms} terms "
            f"in {time.perf_counter() - started:.1f} s."
        )

    def organisations(self, rng, count, industries, seed):
        taken = set(Organisation.objects.values_list("name_key", flat=True))
        codes = set(Organisation.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
        created = []
        batch = []
        while len(created) + len(batch) < count:
            name = (
                rng.choice(REGIONS) + rng.choice(WORDS) + rng.choice(WORDS) + rng.choice(TRADES) + rng.choice(SUFFIXES)
            )
            if rng.random() < 0.4:  # about 40% of staff type Traditional
                name = names.to_traditional(name)
            key = names.match_key(name)
            if key in taken:
                continue
            taken.add(key)
            organisation = Organisation(
                name=name,
                kind=Organisation.Kind.ENTERPRISE if rng.random() < 0.9 else rng.choice(Organisation.Kind.values),
                industry=rng.choice(industries),
                credit_code=self.credit_code(rng, codes) if rng.random() < 0.7 else None,
                province=rng.choice(REGIONS[:34]),
            )
            organisation.derive_names()
            organisation.slug = f"m{len(created) + len(batch) + 1:06d}-{seed}-{organisation.pinyin[:40]}"
            batch.append(organisation)
            if len(batch) == BATCH:
                created += Organisation.objects.bulk_create(batch)
                batch = []
        created += Organisation.objects.bulk_create(batch)
        return created

    @staticmethod
    def credit_code(rng, codes):
        while True:
            body = "91" + "".join(rng.choice(CREDIT_CODE_CHARACTERS[:10]) for _ in range(6))
            body += "".join(rng.choice(CREDIT_CODE_CHARACTERS) for _ in range(9))
            code = body + credit_code_check_character(body)
            if code not in codes:
                codes.add(code)
                return code

    def memberships(self, rng, organisations):
        statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
        rows = []
        for organisation in organisations:
            status = rng.choices(statuses, weights)[0]
            since = datetime.date(2017, 7, 22) + datetime.timedelta(days=rng.randrange(3000))
            rows.append(
                Membership(
                    organisation=organisation,
                    status=status,
                    tier=rng.choices(Membership.Tier.values, [1, 5, 20, 74])[0],
                    since=None if status == Membership.Status.APPLIED else since,
                    until=since + datetime.timedelta(days=365) if status == Membership.Status.WITHDRAWN else None,
                )
            )
        Membership.objects.bulk_create(rows, batch_size=BATCH)
        for batch in range(0, len(organisations), BATCH):
            ids = [organisation.pk for organisation in organisations[batch : batch + BATCH]]
            listing.store_status(Organisation.objects.filter(pk__in=ids))

    def governance(self, rng, people_count, term_count, organisations):
        body, _ = Body.objects.get_or_create(
            slug="synthetic-council", defaults={"name": "合成理事會", "name_en": "Synthetic council", "order": 99}
        )
        seats = -(-term_count // len(TERM_PERIODS))
        position, _ = Position.objects.get_or_create(body=body, name="理事", defaults={"seats": seats, "rank": 20})
        people = []
        for n in range(people_count):
            person = Person(name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN))
            person.derive_names()
            people.append(person)
            if n % 4 == 0:
                person.name = names.to_traditional(person.name)
                person.derive_names()
        people = Person.objects.bulk_create(people, batch_size=BATCH)
        terms = []
        for n in range(term_count):
            start, end = TERM_PERIODS[n % len(TERM_PERIODS)]
            terms.append(
                Term(
                    position=position,
                    person=people[n % len(people)],
                    affiliation=rng.choice(organisations),
                    title="理事單位代表",
                    started_on=datetime.date(start, 7, 22),
                    ended_on=datetime.date(end, 7, 22) if end else None,
                    exclusive=False,
                )
            )
        Term.objects.bulk_create(terms, batch_size=BATCH)
