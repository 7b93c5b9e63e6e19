import { WorkflowEntrypoint } from "cloudflare:workers";

export class Archive extends WorkflowEntrypoint {
  async run() {}
}

export default {
  fetch() {
    return new Response("chat api");
  },
};
