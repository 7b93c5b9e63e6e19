interface Env {
  SESSION_KV: KVNamespace;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const user = await env.SESSION_KV.get("user");
    return new Response(user ?? "anonymous");
  },
} satisfies ExportedHandler<Env>;
