// auth: a user worker deployed into the environment's dotdo namespace.
// Sessions and rate limits live in KV; users live in db, reached through the
// namespace binding (db is a sibling in the namespace, see project.toml).
import { rateLimited } from "./limits";
import { signSession, verifyWebhook } from "./tokens";

const JSON_HEADERS = { "content-type": "application/json" };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const client = request.headers.get("cf-connecting-ip") ?? "unknown";
    if (await rateLimited(env.RATE_LIMIT_KV, client)) {
      return new Response("too many requests", { status: 429 });
    }
    if (url.pathname === "/webhook") {
      if (!(await verifyWebhook(request, env))) {
        return new Response("bad signature", { status: 401 });
      }
      return new Response("ok");
    }
    if (url.pathname === "/callback") {
      const { WORKOS_API_KEY, WORKOS_CLIENT_ID, WORKOS_CLIENT_SECRET } = env;
      const answer = await fetch("https://api.workos.com/user_management/authenticate", {
        method: "POST",
        headers: { authorization: `Bearer ${WORKOS_API_KEY}`, ...JSON_HEADERS },
        body: JSON.stringify({
          client_id: WORKOS_CLIENT_ID,
          client_secret: WORKOS_CLIENT_SECRET,
          grant_type: "authorization_code",
          code: url.searchParams.get("code"),
        }),
      });
      const { user } = (await answer.json()) as { user: { id: string } };
      await env.SERVICES.get("db").fetch(new Request("https://db.do/api/db/users", {
        method: "PUT",
        body: JSON.stringify(user),
      }));
      const session = await signSession(user.id, env);
      await env.SESSIONS_KV.put(session.id, user.id, { expirationTtl: 86400 });
      return new Response(JSON.stringify(session), { headers: JSON_HEADERS });
    }
    return new Response(JSON.stringify({ service: "auth", path: url.pathname }), {
      headers: JSON_HEADERS,
    });
  },
} satisfies ExportedHandler<Env>;
