from django.urls import path

from . import library_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("rhythm/", views.rhythm, name="rhythm"),
    path("new/", views.meeting_create, name="create"),
    path("book/", views.book_contact, name="book_contact"),
    path("templates/", library_views.templates, name="templates"),
    path("templates/<int:pk>/edit/", library_views.template_edit, name="template_edit"),
    path("templates/<int:pk>/delete/", library_views.template_delete, name="template_delete"),
    path("question-bank/", library_views.question_bank, name="question_bank"),
    path("question-bank/<int:pk>/edit/", library_views.question_edit, name="question_edit"),
    path("question-bank/<int:pk>/delete/", library_views.question_delete, name="question_delete"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/status/", views.meeting_transition, name="transition"),
    path("<int:pk>/rate/", views.meeting_rate, name="rate"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/agenda/add/", views.agenda_item_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path("<int:pk>/agenda/delete/", views.agenda_item_delete, name="agenda_delete"),
    path("<int:pk>/agenda/move/", views.agenda_move, name="agenda_move"),
    path("<int:pk>/agenda/reorder/", views.agenda_reorder, name="agenda_reorder"),
    path("<int:pk>/agenda/customers-first/", views.agenda_customer_first, name="customer_first"),
    path("<int:pk>/agenda/print/", views.agenda_print, name="agenda_print"),
    path("<int:pk>/agenda/save-template/", library_views.template_save, name="template_save"),
    path("<int:pk>/guests/", views.guests, name="guests"),
    path("<int:pk>/guests/preview/", views.guests_preview, name="guests_preview"),
    path("<int:pk>/guests/remove/", views.guest_remove, name="guest_remove"),
    path("<int:pk>/guests/staff/", views.guests_staff, name="guests_staff"),
    path("<int:pk>/prep/toggle/", views.prep_toggle, name="prep_toggle"),
    path("<int:pk>/prep/add/", views.prep_add, name="prep_add"),
    path("<int:pk>/prep/brief/", views.prep_brief, name="prep_brief"),
    path("<int:pk>/questions/", views.questions, name="questions"),
]
