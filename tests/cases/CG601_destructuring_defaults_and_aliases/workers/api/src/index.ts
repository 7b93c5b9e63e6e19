import { region } from "./region";

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { API_TOKEN, RETRIES: retries = 1, TIMEOUT_MS = 500 } = env;
    const e = env;
    const flags = e?.FLAGS ?? "";
    try {
      return new Response(`${API_TOKEN} ${retries} ${TIMEOUT_MS} ${flags} ${region(env)}`);
    } catch (e) {
      // `e` is the error here, not env: e.message is no binding.
      return new Response(String((e as Error).message));
    }
  },
};
