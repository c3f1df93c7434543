"""Whatever a visitor types into ?q=, ?page= or a slug, the public site answers 200, a redirect or 404, never a 500."""

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.models import Industry, Organisation

fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ANSWERS = {200, 301, 302, 404}
# Text that looks like what people type, and text that does not: digits, signs, CJK, controls, very long.
values = st.one_of(
    st.text(max_size=50),
    st.from_regex(r"-?\d{1,30}", fullmatch=True),
    st.sampled_from(["0", "-1", "last", "1e9", "9" * 100, "1.5", " 2", "%00", "\x00", "'; --", "联想", "*" * 500]),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
)


@fuzz
@given(q=values, page=values)
def test_public_directory_search_and_paging_never_fail(seeded, client, q, page):
    response = client.get("/zh-hans/members/", {"q": q, "page": page})

    assert response.status_code in ANSWERS


@fuzz
@given(page=values)
def test_public_industry_paging_never_fails(seeded, client, page):
    industry = Industry.objects.order_by("slug").first()

    response = client.get(f"/zh-hans/members/industries/{industry.slug}/", {"page": page})

    assert response.status_code in ANSWERS


@fuzz
@given(slug=values)
def test_public_member_and_industry_slugs_never_fail(seeded, client, slug):
    path = quote(slug, safe="")
    for url in (f"/zh-hans/members/{path}/", f"/zh-hans/members/industries/{path}/"):
        response = client.get(url)

        assert response.status_code in ANSWERS, url


def test_public_member_page_is_found_by_its_slug(seeded, client):
    organisation = Organisation.objects.members().order_by("slug").first()

    assert client.get(f"/zh-hans/members/{organisation.slug}/").status_code == 200
    assert client.get(f"/zh-hans/members/{organisation.slug}x-no-such/").status_code == 404
