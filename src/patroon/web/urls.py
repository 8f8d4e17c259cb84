from django.urls import path
from django.views.i18n import set_language

from patroon.web import alert_views, link_views, risk_views, views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.login_view, name="login"),
    path("login/code/", views.otp_verify, name="otp-verify"),
    path("login/authenticator/", views.otp_enrol, name="otp-enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("signals/new/", views.signal_new, name="signal-new"),
    path("signals/new/person/", views.signal_person_row, name="signal-person-row"),
    path("signals/<uuid:signal_id>/", views.signal_detail, name="signal-detail"),
    path("persons/<uuid:person_ref>/", views.person_timeline, name="person-timeline"),
    path("alerts/", alert_views.alert_queue, name="alert-queue"),
    path("alerts/<uuid:alert_id>/", alert_views.alert_detail, name="alert-detail"),
    path(
        "alerts/<uuid:alert_id>/acknowledge/",
        alert_views.alert_acknowledge,
        name="alert-acknowledge",
    ),
    path("alerts/<uuid:alert_id>/handle/", alert_views.alert_handle, name="alert-handle"),
    path("timelines/<uuid:victim_ref>/", alert_views.dyad_timeline, name="victim-timeline"),
    path(
        "timelines/<uuid:victim_ref>/<uuid:perpetrator_ref>/",
        alert_views.dyad_timeline,
        name="dyad-timeline",
    ),
    path("risk/", risk_views.risk_list, name="risk-list"),
    path("risk/new/", risk_views.risk_start, name="risk-start"),
    path("risk/<uuid:assessment_id>/", risk_views.risk_detail, name="risk-detail"),
    path("risk/<uuid:assessment_id>/answers/", risk_views.risk_answers, name="risk-answers"),
    path("risk/<uuid:assessment_id>/override/", risk_views.risk_override, name="risk-override"),
    path("risk/<uuid:assessment_id>/approve/", risk_views.risk_approve, name="risk-approve"),
    path("risk/<uuid:assessment_id>/print/", risk_views.risk_print, name="risk-print"),
    path("risk/victims/<uuid:victim_ref>/", risk_views.risk_history, name="risk-history"),
    path("links/", link_views.review_queue, name="review-queue"),
    path("links/<uuid:item_id>/", link_views.review_detail, name="review-detail"),
    path("links/<uuid:item_id>/decide/", link_views.review_decide, name="review-decide"),
    path("persons/<uuid:person_ref>/identity/", link_views.reidentify_form, name="reidentify"),
    path(
        "persons/<uuid:person_ref>/identity/show/",
        link_views.reidentify,
        name="reidentify-show",
    ),
    path("language/", set_language, name="set-language"),
    path("health/", views.health, name="health"),
]
