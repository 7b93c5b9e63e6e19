"""The dynamic dispatch worker: pick the namespace by ENVIRONMENT, the user worker by
the generated router table (router_table.py, from project.toml's [router])."""

import json
from urllib.parse import urlparse

from workers import Response, WorkerEntrypoint

import router_table


def _json(body, status):
    return Response(json.dumps(body), status=status, headers={"content-type": "application/json"})


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        url = urlparse(request.url)
        service = router_table.resolve(url.netloc, url.path or "/")
        if service is None:
            return _json(router_table.not_found(url.netloc, url.path or "/"), 404)
        binding = router_table.NAMESPACE_BINDINGS[self.env.ENVIRONMENT]
        namespace = getattr(self.env, binding)
        try:
            worker = namespace.get(service)
        except Exception:
            return _json({"error": "Service not deployed", "service": service}, 404)
        return await worker.fetch(request)
