import { greet } from "./greet";

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    return new Response(greet(env.GREETING));
  },
};
