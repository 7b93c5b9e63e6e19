import { DurableObject } from "cloudflare:workers";

export class Counter extends DurableObject {
  async fetch(request: Request): Promise<Response> {
    return new Response("1");
  }
}
