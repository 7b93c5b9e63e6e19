export default {
  async fetch(request, env) {
    const name = new URL(request.url).hostname.split(".")[0];
    try {
      return await env.APPS.get(name).fetch(request);
    } catch {
      return new Response("app");
    }
  },
};
