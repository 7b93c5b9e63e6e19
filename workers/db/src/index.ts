// db: a user worker deployed into the environment's dotdo namespace.
export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    return new Response(JSON.stringify({ service: "db", path: url.pathname }), {
      headers: { "content-type": "application/json" },
    });
  },
};
