from django.urls import path

from flywheel.referrals import views

app_name = "referrals"
urlpatterns = [
    path("r/<str:code>", views.share_link, name="share_link"),
    path("referrals/", views.invite, name="invite"),
    path("referrals/ambassadors/apply/", views.apply, name="apply"),
    path("referrals/ambassadors/dashboard/", views.dashboard, name="dashboard"),
    path("referrals/ambassadors/dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
    path("referrals/staff/review/", views.staff_review, name="staff_review"),
    path(
        "referrals/staff/review/<int:pk>/<str:decision>/",
        views.staff_decide,
        name="staff_decide",
    ),
    path("referrals/staff/ambassadors/", views.staff_ambassadors, name="staff_ambassadors"),
    path(
        "referrals/staff/applications/<int:pk>/<str:decision>/",
        views.staff_application,
        name="staff_application",
    ),
    path(
        "referrals/staff/ambassadors/<int:pk>/code/",
        views.staff_vanity_code,
        name="staff_vanity_code",
    ),
    path("referrals/staff/ambassadors/<int:pk>/retire/", views.staff_retire, name="staff_retire"),
    path("referrals/staff/payouts.csv", views.staff_payouts_csv, name="staff_payouts_csv"),
]
