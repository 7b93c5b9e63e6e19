import { WorkerEntrypoint } from "cloudflare:workers";

// The RPC entrypoint storefront binds (services[].entrypoint = "InventoryApi").
export class InventoryApi extends WorkerEntrypoint {
  async stock(sku) {
    const row = await this.env.MAIN_DB.prepare("SELECT count FROM stock WHERE sku = ?")
      .bind(sku).first();
    return row ? row.count : 0;
  }
}

export default {
  async fetch(request, env) {
    return new Response("inventory");
  },
  async queue(batch, env) {
    for (const message of batch.messages) {
      await env.MAIN_DB.prepare("INSERT INTO orders (body) VALUES (?)")
        .bind(JSON.stringify(message.body)).run();
    }
  },
  async scheduled(controller, env) {
    await env.MAIN_DB.exec("DELETE FROM orders WHERE done = 1");
  },
};
