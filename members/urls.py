from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("", views.directory, name="directory"),
    # Before the member's slug, so that no member can be called "industries".
    path("industries/<slug:slug>/", views.industry_detail, name="industry"),
    path("<slug:slug>/", views.member_detail, name="detail"),
]
