// gateway: the platform's front door (a user worker in the dotdo namespace).
// It reaches db through the namespace binding, not a service binding: db is
// deployed into the same namespace, and service bindings cannot reach it.
interface Env {
  SERVICES: { get(name: string): { fetch(request: Request): Promise<Response> } };
  GATEWAY_KV: KVNamespace;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/db/")) {
      return env.SERVICES.get("db").fetch(request);
    }
    return new Response(JSON.stringify({ service: "gateway", path: url.pathname }), {
      headers: { "content-type": "application/json" },
    });
  },
};
