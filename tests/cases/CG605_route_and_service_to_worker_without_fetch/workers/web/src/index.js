export default {
  async fetch(request, env) {
    return env.API.fetch(request, { headers: { sum: String(await env.RPC.add(1, 2)) } });
  },
};
