"""The admin's export, and its import of a large file, run by the task worker: progress, then the file or outcome."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from jobs.models import Job
from jobs.services import Progress, job_running
from members import transfer
from members.models import Industry, Membership, Organisation
from members.tasks import estimated_rows

EXPORT_URL = "/admin/members/organisation/export/"
IMPORT_URL = "/admin/members/organisation/import/"


def export_form(client, url=EXPORT_URL, *, file_format=0, **headers):
    form = client.get(url, **headers).context["form"]
    data = {"format": file_format, "resource": 0}
    data.update({name: "on" for name in form.fields if name.startswith("organisationresource_")})
    return data


def start_export(client, url=EXPORT_URL, *, file_format=0, **headers):
    """Post the export form as shown; the job's page, where the answer sends the browser."""
    response = client.post(url, export_form(client, url, file_format=file_format, **headers), **headers)
    assert response.status_code == 302
    return response["Location"]


def download(client, job_page, **headers):
    """The export's file, by the link its page shows when the job is done."""
    page = client.get(job_page, **headers)
    link = page.context["download_url"]
    response = client.get(link)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def admin_export(client, run_worker, url=EXPORT_URL, *, file_format=0, **headers) -> bytes:
    """An admin export from its form to its file, with the worker in between."""
    job_page = start_export(client, url, file_format=file_format, **headers)
    run_worker()
    return download(client, job_page, **headers)


def member_file(count: int, *, industry="電子信息", bad_row: int | None = None) -> SimpleUploadedFile:
    """A CSV file of ``count`` new organisations; row ``bad_row`` (as a spreadsheet numbers it) names no industry."""
    lines = ["name,industry,status"]
    for n in range(2, count + 2):
        lines.append(f"後台測試{n}有限公司,{'沒有這個行業' if n == bad_row else industry},active")
    return SimpleUploadedFile("large.csv", ("\n".join(lines) + "\n").encode(), "text/csv")


def start_import(client, upload, **headers):
    response = client.post(IMPORT_URL, {"resource": 0, "format": 0, "import_file": upload}, **headers)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


@pytest.fixture
def large(settings):
    """Files of more than five rows are too large for a request: the worker previews and imports them."""
    settings.IMPORT_REQUEST_MAX_ROWS = 5


# Export ------------------------------------------------------------------------------------------


def test_export_page_shows_the_job_waiting_then_offers_the_file_of_what_the_list_shows(
    seeded, editor_client, run_worker
):
    url = f"{EXPORT_URL}?kind__exact=government&status=all"
    job_page = start_export(editor_client, url, HTTP_ACCEPT_LANGUAGE="zh-CN")

    waiting = editor_client.get(job_page)
    content = waiting.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in content
    assert "等待任务进程" in content
    assert "download_url" not in waiting.context

    run_worker()

    done = editor_client.get(job_page)
    assert '<meta http-equiv="refresh"' not in done.content.decode()
    assert "下载 Organisation-" in done.content.decode()
    exported = download(editor_client, job_page)
    assert exported.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"), newline="")))
    assert rows[0][:3] == ["名称", "英文名称", "简称"]
    names = {row[0] for row in rows[1:]}
    assert "工業和信息化部" in names
    assert not names & set(Organisation.objects.exclude(kind="government").values_list("name", flat=True))
    assert Job.objects.get().total == len(rows) - 1


def test_export_writes_only_the_columns_chosen_in_an_xlsx_file(seeded, editor_client, run_worker):
    url = f"{EXPORT_URL}?status=all"
    data = export_form(editor_client, url, file_format=1)
    chosen = {"format", "resource", "organisationresource_name", "organisationresource_industry"}
    data = {k: v for k, v in data.items() if k in chosen}
    job_page = editor_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")["Location"]
    run_worker()

    rows = list(transfer.read_rows(download(editor_client, job_page), filename="members.xlsx"))
    assert rows[0] == ["name", "industry"]
    assert len(rows) == Organisation.objects.count() + 1


def test_export_page_shows_the_progress_a_worker_stores(seeded, editor_client):
    job_page = start_export(editor_client, HTTP_ACCEPT_LANGUAGE="en")
    job = Job.objects.get()
    with job_running(job.pk) as (running, progress):
        progress(3, 12, force=True)

        page = editor_client.get(job_page, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<progress class="job-bar" max="12" value="3">' in page
    assert "3 of 12 rows (25%)" in page
    assert '<meta http-equiv="refresh" content="2">' in page


def test_export_file_is_refused_to_staff_without_the_export_permission(
    seeded, editor_client, run_worker, client, django_user_model
):
    job_page = start_export(editor_client)
    run_worker()
    link = editor_client.get(job_page).context["download_url"]
    from django.contrib.auth.models import Permission

    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_organisation"))
    client.force_login(clerk)

    assert client.get(link).status_code == 403
    assert client.get(job_page).status_code == 403


def test_export_file_is_served_to_a_viewer_who_may_export(seeded, editor_client, run_worker, viewer, client):
    job_page = start_export(editor_client)
    run_worker()
    client.force_login(viewer)
    assert download(client, job_page).startswith(b"\xef\xbb\xbf")


def test_job_that_breaks_says_why_in_the_page_language(seeded, editor_client, run_worker, large):
    job_page = start_import(editor_client, member_file(8), HTTP_ACCEPT_LANGUAGE="zh-TW")
    job = Job.objects.get()
    job.source.storage.delete(job.source.name)  # the file gone from storage before a worker read it

    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    page = editor_client.get(job_page, HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()
    assert "工作因系統出錯而停止，未寫入任何內容" in page
    assert '<meta http-equiv="refresh"' not in page
    assert DBTaskResult.objects.get().status == "FAILED"  # with its traceback, for IT


# Import ------------------------------------------------------------------------------------------


def test_large_import_is_previewed_by_the_worker_then_written_on_confirmation(seeded, editor_client, run_worker, large):
    industry = Industry.objects.get(name="電子信息")
    job_page = start_import(editor_client, member_file(8), HTTP_ACCEPT_LANGUAGE="en")
    assert "Waiting for a task worker" in editor_client.get(job_page, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    run_worker()

    preview = editor_client.get(job_page, HTTP_ACCEPT_LANGUAGE="en")
    content = preview.content.decode()
    assert "8 new, 0 changed, 0 unchanged." in content
    assert "後台測試2有限公司" in content
    assert 'name="confirm"' in content
    assert not Organisation.objects.filter(name__startswith="後台測試").exists()

    confirmation = editor_client.post(job_page, {"confirm": "1"}, HTTP_ACCEPT_LANGUAGE="en")["Location"]
    run_worker()

    done = editor_client.get(confirmation, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Import finished: 8 new, 0 changed, 0 unchanged." in done
    imported = Organisation.objects.filter(name__startswith="後台測試")
    assert imported.count() == 8
    assert set(imported.values_list("industry", flat=True)) == {industry.pk}
    assert Membership.objects.filter(organisation__in=imported, status="active").count() == 8
    assert {h.history_user.username for h in Organisation.history.filter(name__startswith="後台測試")} == {"editor"}


def test_large_import_lists_its_problems_in_the_page_language_and_writes_nothing(
    seeded, editor_client, run_worker, large
):
    job_page = start_import(editor_client, member_file(8, bad_row=5), HTTP_ACCEPT_LANGUAGE="zh-CN")
    run_worker()

    page = editor_client.get(job_page, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "列 industry：没有行业“沒有這個行業”。 共 1 行：5。" in page
    assert 'name="confirm"' not in page
    # A confirmation posted anyway writes nothing.
    response = editor_client.post(job_page, {"confirm": "1"}, follow=True, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "请重新选择文件" in response.content.decode()
    assert not Organisation.objects.filter(name__startswith="後台測試").exists()
    assert Job.objects.count() == 1


def test_large_import_writes_nothing_when_the_registry_changed_since_its_preview(
    seeded, editor_client, run_worker, large
):
    industry = Industry.objects.create(name="後台測試行業", slug="background-test")
    job_page = start_import(editor_client, member_file(8, industry="後台測試行業"), HTTP_ACCEPT_LANGUAGE="en")
    run_worker()
    confirmation = editor_client.post(job_page, {"confirm": "1"}, HTTP_ACCEPT_LANGUAGE="en")["Location"]
    industry.delete()
    before = (Organisation.objects.count(), Membership.objects.count(), Organisation.history.count())

    run_worker()

    page = editor_client.get(confirmation, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Nothing was imported: the registry changed since the preview" in page
    assert "There is no industry 後台測試行業." in page
    assert Job.objects.get(pk=confirmation.rstrip("/").rsplit("/", 1)[1]).status == Job.Status.FAILED
    assert (Organisation.objects.count(), Membership.objects.count(), Organisation.history.count()) == before


def test_large_import_preview_is_confirmed_once(seeded, editor_client, run_worker, large):
    job_page = start_import(editor_client, member_file(8))
    run_worker()
    first = editor_client.post(job_page, {"confirm": "1"})["Location"]

    second = editor_client.post(job_page, {"confirm": "1"})

    assert second["Location"] == first
    run_worker()
    assert Organisation.objects.filter(name__startswith="後台測試").count() == 8
    assert Job.objects.filter(kind=Job.Kind.IMPORT).count() == 1


def test_a_file_of_more_rows_than_a_request_checks_goes_to_the_worker_all_or_nothing(seeded, editor_client, run_worker):
    # 12,000 rows, over IMPORT_REQUEST_MAX_ROWS (10,000): the last one names no industry.
    before = (Organisation.objects.count(), Membership.objects.count())
    job_page = start_import(editor_client, member_file(12_000, bad_row=12_001), HTTP_ACCEPT_LANGUAGE="en")
    run_worker()

    page = editor_client.get(job_page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Column industry: There is no industry 沒有這個行業. Row 12001." in page
    assert (Organisation.objects.count(), Membership.objects.count()) == before
    job = Job.objects.get()
    assert (job.status, job.done, job.total) == (Job.Status.SUCCEEDED, 12_000, 12_000)
    assert not job.source  # nothing will confirm it: the file is not kept


def test_import_progress_is_stored_as_the_worker_checks_and_writes(seeded, editor_client, run_worker, large):
    seen = []
    original = Progress.__call__

    def recording(self, done, total=None, *, force=False):
        original(self, done, total, force=True)
        seen.append(tuple(Job.objects.values_list("done", "total").get(pk=self.job.pk)))

    Progress.__call__ = recording
    try:
        job_page = start_import(editor_client, member_file(20))
        run_worker()
        editor_client.post(job_page, {"confirm": "1"})
        run_worker()
    finally:
        Progress.__call__ = original
    # The preview's 20 rows to check; the confirmation's 20 to check again and 20 to write, then written.
    assert seen == [(0, 20), (0, 40), (40, 40)]
    assert Organisation.objects.filter(name__startswith="後台測試").count() == 20


def test_estimated_rows_counts_an_xlsx_sheet_without_reading_its_cells():
    out = io.BytesIO()
    transfer.write_xlsx([["name", "industry"], *([f"機構{n}", "電子信息"] for n in range(30))], out)
    assert estimated_rows(out.getvalue(), 100) == 30
    assert estimated_rows(out.getvalue(), 10) == 11  # no further than one past the limit
    assert estimated_rows(b"name\na\nb", 100) == 2


def test_prune_jobs_deletes_old_jobs_and_their_files(seeded, editor_client, run_worker):
    job_page = start_export(editor_client)
    run_worker()
    job = Job.objects.get()
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    Job.objects.update(finished_at=timezone.now() - datetime.timedelta(days=8))

    with translation.override("en"):
        call_command("prune_jobs", verbosity=0)

    assert not Job.objects.exists()
    assert not storage.exists(name)
    assert editor_client.get(job_page).status_code == 404


def test_job_list_queries_do_not_grow_with_jobs(admin_client, django_assert_num_queries, django_user_model):
    def add_jobs(count):
        user = django_user_model.objects.create_user(f"starter{Job.objects.count()}")
        Job.objects.bulk_create(Job(kind=Job.Kind.EXPORT, started_by=user, language="zh-hans") for _ in range(count))

    url = "/admin/jobs/job/"
    add_jobs(3)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    add_jobs(150)
    with django_assert_num_queries(len(few)):
        assert admin_client.get(url).status_code == 200
