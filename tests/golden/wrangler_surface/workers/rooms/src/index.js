import { DurableObject } from "cloudflare:workers";

export class Room extends DurableObject {
  async fetch() {
    return new Response("room");
  }
}

export default {
  fetch() {
    return new Response("rooms");
  },
};
