export default {
  async fetch(request, env) {
    const token = request.headers.get("authorization") ?? "";
    const user = await env.SESSIONS.get(token);
    return new Response(user && env.JWT_SECRET ? "auth: ok" : "auth: who?");
  },
};
