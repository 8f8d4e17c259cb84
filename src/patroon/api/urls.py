from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from patroon.api import views

app_name = "api"

urlpatterns = [
    path("signals/", views.SignalCollectionView.as_view(), name="signal-list"),
    path("signals/<uuid:signal_id>/", views.SignalDetailView.as_view(), name="signal-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
