export default {
  async fetch(request, env, ctx) {
    ctx.waitUntil(env.ANALYTICS.fetch("https://analytics/hit", { method: "POST" }));
    return new Response("ok");
  },
};
