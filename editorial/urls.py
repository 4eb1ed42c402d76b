from django.urls import path

from . import views

app_name = "editorial"

urlpatterns = [
    path("", views.page_list, name="index"),
    path("pages/<slug:slug>/", views.page_detail, name="page"),
]
