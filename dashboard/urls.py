from django.urls import path

from . import measure_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("board-pack/", views.board_pack, name="print"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.json", views.export, {"fmt": "json"}, name="export_json"),
    path("themes/", views.themes, name="themes"),
    path("themes/recompute/", views.recompute, name="recompute"),
    path("themes/<int:pk>/rename/", views.theme_rename, name="theme_rename"),
    path("themes/<int:pk>/merge/", views.theme_merge, name="theme_merge"),
    path("measures/<int:pk>/themes/", measure_views.measure_themes, name="measure_themes"),
    path(
        "measures/<int:pk>/themes/remove/",
        measure_views.measure_theme_remove,
        name="measure_theme_remove",
    ),
]
