import { DurableObject, WorkerEntrypoint, WorkflowEntrypoint } from "cloudflare:workers";
import type { WorkflowEvent, WorkflowStep } from "cloudflare:workers";

export class Counter extends DurableObject<Env> {
  async bump(): Promise<number> {
    const now = Number((await this.ctx.storage.get("n")) ?? 0) + 1;
    await this.ctx.storage.put("n", now);
    return now;
  }
}

export class Flow extends WorkflowEntrypoint<Env, { id: string }> {
  async run(event: WorkflowEvent<{ id: string }>, step: WorkflowStep): Promise<void> {
    await step.do("log", async () => {
      this.env.EVENTS.writeDataPoint({ blobs: [event.payload.id] });
    });
  }
}

export class Api extends WorkerEntrypoint<Env> {
  async add(a: number, b: number): Promise<number> {
    return a + b + this.env.LIMIT;
  }
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const { success } = await env.RATE.limit({ key: "global" });
    if (!success || !env.ENABLED) {
      return new Response("slow down", { status: 429 });
    }
    const stub = env.COUNTER.get(env.COUNTER.idFromName("main"));
    const count = await stub.bump();
    const row = await env.DB.prepare("SELECT 1 AS one").first<{ one: number }>();
    const file = await env.FILES.get("index.html");
    const cached = await env.CACHE.get("home");
    await env.JOBS.send({ count });
    await env.FLOW.create({ params: { id: String(count) } });
    const answer = await env.AI.run("@cf/meta/llama-3.1-8b-instruct", { prompt: env.GREETING });
    const matches = await env.VECTORS.query([0.1, 0.2], { topK: env.LIMITS.burst });
    ctx.waitUntil(env.BILLING.fetch("https://billing/hit"));
    const app = env.APPS.get("customer");
    const pg = env.PG.connectionString;
    const stage: "local" | "production" | "staging" = env.STAGE;
    return new Response(JSON.stringify({
      count, row, file: file?.key, cached,  answer, matches: matches.count, pg, stage,
      version: env.VERSION.id, key: env.API_KEY.length, app: typeof app.fetch,
      mail: typeof env.MAIL.send,
    }));
  },
  async queue(batch: MessageBatch<{ count: number }>, env: Env): Promise<void> {
    for (const message of batch.messages) {
      await env.CACHE.put("last", String(message.body.count));
    }
  },
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    await env.JOBS.send({ count: 0 });
  },
} satisfies ExportedHandler<Env, { count: number }>;
