from django.urls import include, path

from patroon.web import errors

urlpatterns = [
    path("api/v1/", include("patroon.api.urls")),
    path("", include("patroon.web.urls")),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
