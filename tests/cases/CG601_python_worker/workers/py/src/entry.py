from helpers import shout

from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        env = self.env
        cached = await env.CACHE.get("greeting")
        return Response(shout(cached or self.env.GREETING) + self.env.GREETNG)
