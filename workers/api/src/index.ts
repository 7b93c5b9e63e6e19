// api: the single HTTP entry point. Domain routing reads domain-routes.json,
// which confgen generates from project.toml's [domains].
import routes from "../assets/domain-routes.json";

interface Route { domain: string; service: string; binding: string; requiresAuth: boolean }
type Env = Record<string, { fetch(request: Request): Promise<Response> }>;

function find(host: string): Route | undefined {
  const table = routes as Route[];
  return table.find((r) => r.domain === host) ??
    table.find((r) => r.domain.startsWith("*.") && host.endsWith(r.domain.slice(1)));
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const host = new URL(request.url).hostname.toLowerCase();
    const route = find(host);
    if (!route) {
      return new Response(JSON.stringify({ error: "waitlist" }), { status: 404 });
    }
    if (route.requiresAuth && !request.headers.get("authorization")) {
      return new Response("unauthorized", { status: 401 });
    }
    return env[route.binding].fetch(request);
  },
};
