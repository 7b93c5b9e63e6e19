// db: a user worker deployed into the environment's dotdo namespace; it answers
// for the platform's data, backed by ClickHouse and Postgres (DATABASE_URL).
import { query } from "./clickhouse";

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/api/db/health") {
      const rows = await query(env, "SELECT 1 AS ok");
      return new Response(JSON.stringify({ service: "db", rows }), {
        headers: { "content-type": "application/json" },
      });
    }
    return new Response(JSON.stringify({
      service: "db",
      path: url.pathname,
      postgres: new URL(env.DATABASE_URL).host,
    }), {
      headers: { "content-type": "application/json" },
    });
  },
} satisfies ExportedHandler<Env>;
