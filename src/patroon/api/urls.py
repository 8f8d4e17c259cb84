from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from patroon.api import alert_views, risk_views, views

app_name = "api"

urlpatterns = [
    path("signals/", views.SignalCollectionView.as_view(), name="signal-list"),
    path("signals/<uuid:signal_id>/", views.SignalDetailView.as_view(), name="signal-detail"),
    path("alerts/", alert_views.AlertCollectionView.as_view(), name="alert-list"),
    path("alerts/<uuid:alert_id>/", alert_views.AlertDetailView.as_view(), name="alert-detail"),
    path(
        "alerts/<uuid:alert_id>/acknowledge/",
        alert_views.AlertAcknowledgeView.as_view(),
        name="alert-acknowledge",
    ),
    path(
        "alerts/<uuid:alert_id>/handle/",
        alert_views.AlertHandleView.as_view(),
        name="alert-handle",
    ),
    path(
        "timelines/<uuid:victim_ref>/",
        alert_views.VictimTimelineView.as_view(),
        name="timeline-victim",
    ),
    path(
        "timelines/<uuid:victim_ref>/<uuid:perpetrator_ref>/",
        alert_views.DyadTimelineView.as_view(),
        name="timeline-dyad",
    ),
    path(
        "risk/instruments/",
        risk_views.InstrumentCollectionView.as_view(),
        name="risk-instrument-list",
    ),
    path(
        "risk/instruments/<str:instrument_id>/",
        risk_views.InstrumentDetailView.as_view(),
        name="risk-instrument-detail",
    ),
    path(
        "risk/assessments/",
        risk_views.AssessmentCollectionView.as_view(),
        name="risk-assessment-list",
    ),
    path(
        "risk/assessments/<uuid:assessment_id>/",
        risk_views.AssessmentDetailView.as_view(),
        name="risk-assessment-detail",
    ),
    path(
        "risk/assessments/<uuid:assessment_id>/answers/",
        risk_views.AssessmentAnswersView.as_view(),
        name="risk-assessment-answers",
    ),
    path(
        "risk/assessments/<uuid:assessment_id>/override/",
        risk_views.AssessmentOverrideView.as_view(),
        name="risk-assessment-override",
    ),
    path(
        "risk/assessments/<uuid:assessment_id>/approve/",
        risk_views.AssessmentApproveView.as_view(),
        name="risk-assessment-approve",
    ),
    path(
        "risk/assessments/<uuid:assessment_id>/complete/",
        risk_views.AssessmentCompleteView.as_view(),
        name="risk-assessment-complete",
    ),
    path(
        "risk/victims/<uuid:victim_ref>/history/",
        risk_views.VictimHistoryView.as_view(),
        name="risk-victim-history",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
