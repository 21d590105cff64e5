from django.http import HttpResponse


class HealthCheckMiddleware:
    """Answer ``/healthz`` first, before host validation, HTTPS redirects, sessions or the
    database: a load balancer or container health check calls it by IP over plain HTTP.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
