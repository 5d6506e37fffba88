from django.urls import path

from schoolwell.support import views

app_name = "support"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/<int:student_pk>/", views.plan_new, name="new"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/goals/", views.goal_add, name="goal_add"),
    path("<int:pk>/goals/<int:goal_pk>/checks/", views.check_add, name="check_add"),
    path("<int:pk>/interventions/", views.intervention_add, name="intervention_add"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/review/", views.review, name="review"),
    path("referrals/<int:referral_pk>/contact/", views.referral_contact, name="referral_contact"),
]
