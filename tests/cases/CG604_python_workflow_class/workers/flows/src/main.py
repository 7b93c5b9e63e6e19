from workers import WorkerEntrypoint, WorkflowEntrypoint


class PipeLine(WorkflowEntrypoint):
    async def run(self, event, step):
        return "done"


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return await self.env.PIPELINE.create()
