import { Hono } from "hono";
import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject<Env> {
  async bump(): Promise<number> {
    const limit = Number(this.env.LIMIT ?? 10);
    return Math.min(limit, 1);
  }
}

const app = new Hono<{ Bindings: Env }>();

app.get("/", async (c) => {
  const stub = c.env.COUNTER.get(c.env.COUNTER.idFromName("main"));
  const count = await stub.bump();
  return c.html(<h1 title={c.env.TITLE}>{c.env.TITEL}: {count}</h1>);
});

export default app;
