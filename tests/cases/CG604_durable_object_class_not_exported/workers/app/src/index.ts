export { Counter } from "./counter";

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const stub = env.COUNTER.get(env.COUNTER.idFromName("a"));
    return env.ADMIN.fetch(await stub.fetch(request));
  },
};
