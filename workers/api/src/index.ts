// api: the single HTTP entry point. Domain routing reads domain-routes.json,
// which confgen generates from project.toml's [domains]; each route names the
// service binding to forward to, so env is read by a computed name (CG606).
import routes from "../assets/domain-routes.json";

interface Route { domain: string; service: string; binding: string; requiresAuth: boolean }

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
    const services = env as unknown as Record<string, Fetcher | undefined>;
    const service = services[route.binding];
    if (service === undefined) {
      return new Response(JSON.stringify({ error: "no binding", binding: route.binding }),
        { status: 502 });
    }
    return service.fetch(request);
  },
} satisfies ExportedHandler<Env>;
