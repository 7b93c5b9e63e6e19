export default {
  async fetch(req: Request, env: Env) {
    return new Response(env.API_KEY + env.CACHE);
  },
};
