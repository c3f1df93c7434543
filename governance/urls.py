from django.urls import path

from governance import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("positions/<int:pk>/", views.position_detail, name="position"),
]
