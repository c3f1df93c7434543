from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """The background jobs, for IT: read only, as only their tasks write them."""

    list_display = ["__str__", "kind", "started_by", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["started_by"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
