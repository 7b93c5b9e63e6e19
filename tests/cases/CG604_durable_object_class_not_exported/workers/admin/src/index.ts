import { WorkerEntrypoint } from "cloudflare:workers";

class AdminApi extends WorkerEntrypoint {
  async reset(): Promise<void> {}
}

export default {
  async fetch(): Promise<Response> {
    return new Response(String(AdminApi));
  },
};
