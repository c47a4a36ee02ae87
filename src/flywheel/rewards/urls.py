from django.urls import path

from flywheel.rewards import views

app_name = "rewards"
urlpatterns = [
    path("rewards/wallet/", views.wallet, name="wallet"),
    path("rewards/members/<str:handle>/ledger/", views.member_ledger, name="member_ledger"),
    path("rewards/leaderboard/", views.leaderboard, name="leaderboard"),
    path("rewards/perks/", views.perks, name="perks"),
    path("rewards/perks/<int:perk_id>/redeem/", views.redeem, name="redeem"),
    path("rewards/member-of-the-month/", views.member_of_the_month, name="member_of_the_month"),
]
