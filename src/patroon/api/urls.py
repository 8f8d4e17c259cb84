from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from patroon.api import alert_views, case_views, hotline_views, registry_views, risk_views, views

app_name = "api"

urlpatterns = [
    path(
        "registry/statistics/",
        registry_views.StatisticsView.as_view(),
        name="registry-statistics",
    ),
    path(
        "registry/records/",
        registry_views.RecordCollectionView.as_view(),
        name="registry-records",
    ),
    path(
        "registry/records/<uuid:victim_id>/who-knew/",
        registry_views.WhoKnewView.as_view(),
        name="registry-who-knew-api",
    ),
    path("signals/", views.SignalCollectionView.as_view(), name="signal-list"),
    path("signals/<uuid:signal_id>/", views.SignalDetailView.as_view(), name="signal-detail"),
    path("cases/", case_views.CaseCollectionView.as_view(), name="case-list"),
    path("cases/<uuid:case_id>/", case_views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<uuid:case_id>/members/", case_views.MemberAddView.as_view(), name="case-members"),
    path(
        "cases/<uuid:case_id>/members/<int:member_id>/",
        case_views.MemberRemoveView.as_view(),
        name="case-member",
    ),
    path("cases/<uuid:case_id>/director/", case_views.DirectorView.as_view(), name="case-director"),
    path("cases/<uuid:case_id>/status/", case_views.StatusView.as_view(), name="case-status"),
    path("cases/<uuid:case_id>/actions/", case_views.ActionAddView.as_view(), name="case-actions"),
    path(
        "cases/<uuid:case_id>/actions/<int:action_id>/status/",
        case_views.ActionStatusView.as_view(),
        name="case-action-status",
    ),
    path(
        "cases/<uuid:case_id>/measures/", case_views.MeasureAddView.as_view(), name="case-measures"
    ),
    path(
        "cases/<uuid:case_id>/conferences/",
        case_views.ConferenceAddView.as_view(),
        name="case-conferences",
    ),
    path(
        "cases/<uuid:case_id>/conferences/<int:conference_id>/record/",
        case_views.ConferenceRecordView.as_view(),
        name="case-conference-record",
    ),
    path("cases/<uuid:case_id>/children/", case_views.ChildAddView.as_view(), name="case-children"),
    path("cases/<uuid:case_id>/dossier/", case_views.DossierView.as_view(), name="case-dossier"),
    path("inbox/", case_views.InboxView.as_view(), name="inbox"),
    path("referrals/", views.ReferralCollectionView.as_view(), name="referral-list"),
    path(
        "referrals/<int:referral_id>/accept/",
        views.ReferralAcceptView.as_view(),
        name="referral-accept",
    ),
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
    path("hotline/reports/", hotline_views.ReportCollectionView.as_view(), name="hotline-report"),
    path("hotline/thread/", hotline_views.ThreadView.as_view(), name="hotline-thread"),
    path(
        "hotline/thread/messages/",
        hotline_views.ThreadMessageView.as_view(),
        name="hotline-thread-message",
    ),
    path(
        "hotline/conversations/",
        hotline_views.ConversationCollectionView.as_view(),
        name="hotline-conversation-list",
    ),
    path(
        "hotline/conversations/<uuid:conversation_id>/",
        hotline_views.ConversationDetailView.as_view(),
        name="hotline-conversation-detail",
    ),
    path(
        "hotline/conversations/<uuid:conversation_id>/claim/",
        hotline_views.ClaimView.as_view(),
        name="hotline-conversation-claim",
    ),
    path(
        "hotline/conversations/<uuid:conversation_id>/messages/",
        hotline_views.ReplyView.as_view(),
        name="hotline-conversation-reply",
    ),
    path(
        "hotline/conversations/<uuid:conversation_id>/handover/",
        hotline_views.HandoverView.as_view(),
        name="hotline-conversation-handover",
    ),
    path(
        "hotline/conversations/<uuid:conversation_id>/coding/",
        hotline_views.CodingView.as_view(),
        name="hotline-conversation-coding",
    ),
    path(
        "hotline/conversations/<uuid:conversation_id>/consent/",
        hotline_views.ConsentView.as_view(),
        name="hotline-conversation-consent",
    ),
    path(
        "hotline/conversations/<uuid:conversation_id>/signal/",
        hotline_views.SignalView.as_view(),
        name="hotline-conversation-signal",
    ),
    path(
        "hotline/conversations/<uuid:conversation_id>/forward/",
        hotline_views.ForwardView.as_view(),
        name="hotline-conversation-forward",
    ),
    path(
        "hotline/conversations/<uuid:conversation_id>/close/",
        hotline_views.CloseView.as_view(),
        name="hotline-conversation-close",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
