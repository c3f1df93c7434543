"""The text each kind of notice starts from, in the three languages; staff edit them in the admin."""

from django.db import migrations

TEXTS = {
    "general": (
        ("中国绿色制造联盟通知", "{{ contact }}您好：\n\n\n\n中国绿色制造联盟秘书处"),
        ("中國綠色制造聯盟通知", "{{ contact }}您好：\n\n\n\n中國綠色制造聯盟秘書處"),
        ("Notice from the China Green Manufacturing Alliance", "Dear {{ contact }},\n\n\n\nThe Secretariat"),
    ),
    "meeting": (
        ("关于召开会议的通知", "{{ organisation }}：\n\n联盟定于    年  月  日在    召开会议，请{{ contact }}拨冗出席。\n\n中国绿色制造联盟秘书处"),
        ("關於召開會議的通知", "{{ organisation }}：\n\n聯盟定於    年  月  日在    召開會議，請{{ contact }}撥冗出席。\n\n中國綠色制造聯盟秘書處"),
        ("Notice of meeting", "Dear {{ contact }},\n\nThe Alliance will meet on    at   . {{ organisation }} is invited to attend.\n\nThe Secretariat"),
    ),
    "application_result": (
        ("入会申请结果", "{{ organisation }}：\n\n贵单位的入会申请已经审议。\n\n中国绿色制造联盟秘书处"),
        ("入會申請結果", "{{ organisation }}：\n\n貴單位的入會申請已經審議。\n\n中國綠色制造聯盟秘書處"),
        ("Your application to join", "Dear {{ contact }},\n\nThe application of {{ organisation }} has been decided.\n\nThe Secretariat"),
    ),
    "fee_notice": (
        ("会费缴纳通知", "{{ organisation }}：\n\n根据联盟章程，请贵单位（{{ tier }}）缴纳本年度会费。\n\n中国绿色制造联盟秘书处"),
        ("會費繳納通知", "{{ organisation }}：\n\n根據聯盟章程，請貴單位（{{ tier }}）繳納本年度會費。\n\n中國綠色制造聯盟秘書處"),
        ("Membership dues", "Dear {{ contact }},\n\nUnder the Alliance's charter, {{ organisation }} ({{ tier }}) is asked to pay this year's dues.\n\nThe Secretariat"),
    ),
    "reminder": (
        ("会费催缴提醒", "{{ organisation }}：\n\n贵单位尚有会费未缴，请尽快缴纳。\n\n中国绿色制造联盟秘书处"),
        ("會費催繳提醒", "{{ organisation }}：\n\n貴單位尚有會費未繳，請盡快繳納。\n\n中國綠色制造聯盟秘書處"),
        ("Dues reminder", "Dear {{ contact }},\n\n{{ organisation }} has dues outstanding. Please pay them soon.\n\nThe Secretariat"),
    ),
    "certificate": (
        ("会员证书", "{{ organisation }}：\n\n贵单位的会员证书（会员编号 {{ member_number }}）已经签发。\n\n中国绿色制造联盟秘书处"),
        ("會員證書", "{{ organisation }}：\n\n貴單位的會員證書（會員編號 {{ member_number }}）已經簽發。\n\n中國綠色制造聯盟秘書處"),
        ("Membership certificate", "Dear {{ contact }},\n\nThe membership certificate of {{ organisation }} (member number {{ member_number }}) has been issued.\n\nThe Secretariat"),
    ),
}


def create_texts(apps, schema_editor):
    NoticeText = apps.get_model("notices", "NoticeText")
    for kind, ((hans_subject, hans), (hant_subject, hant), (en_subject, en)) in TEXTS.items():
        NoticeText.objects.get_or_create(
            kind=kind,
            defaults={
                "subject_zh_hans": hans_subject,
                "body_zh_hans": hans,
                "subject_zh_hant": hant_subject,
                "body_zh_hant": hant,
                "subject_en": en_subject,
                "body_en": en,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]

    operations = [migrations.RunPython(create_texts, migrations.RunPython.noop)]
