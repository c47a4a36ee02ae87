from django.urls import path

from flywheel.trials import views

app_name = "trials"

urlpatterns = [
    path("trials/", views.trial_list, name="list"),
    path("trials/<int:trial_id>/", views.trial_detail, name="detail"),
    path("trials/<int:trial_id>/apply/", views.apply, name="apply"),
    path("trials/<int:trial_id>/withdraw/", views.withdraw, name="withdraw"),
    path("trials/<int:trial_id>/received/", views.received, name="received"),
    path("manage/trials/", views.staff_list, name="staff_list"),
    path("manage/trials/new/", views.staff_new, name="staff_new"),
    path("manage/trials/<int:trial_id>/", views.staff_results, name="staff_results"),
    path("manage/trials/<int:trial_id>/select/", views.staff_select, name="staff_select"),
    path("manage/trials/<int:trial_id>/draw/", views.staff_draw, name="staff_draw"),
    path("manage/trials/<int:trial_id>/ship/", views.staff_ship, name="staff_ship"),
]
