import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("changelist", "query", "found"),
    [
        ("admin:alliance_policydocument_changelist", "中国制造", "中國制造2025"),  # stored in Traditional
        ("admin:alliance_policydocument_changelist", "中國製造", "中國制造2025"),  # 製 typed for the article's 制
        ("admin:alliance_event_changelist", "绿色制造联盟 成立大会", "中國綠色制造聯盟成立大會"),
        ("admin:records_source_changelist", "政产学研用", "政產學研用"),
        ("admin:governance_body_changelist", "理事会", "理事會"),
        ("admin:governance_position_changelist", "理事会 理事长", "理事會理事長"),
        ("admin:governance_term_changelist", "电子第五研究所", "工業和信息化部電子第五研究所"),
    ],
)
def test_a_list_search_finds_text_in_either_script_whichever_it_is_typed_in(
    seeded, editor_client, changelist, query, found
):
    response = editor_client.get(reverse(changelist), {"q": query})
    rows = [str(row) for row in response.context["cl"].result_list]
    assert response.context["cl"].result_count == 1
    assert found in rows[0]
