export default {
  async fetch(request, env) {
    const { SHOP_NAME, MAX_ITEMS, FEATURES, STRIPE_KEY } = env;
    const url = new URL(request.url);
    if (url.pathname.startsWith("/assets/")) {
      const object = await env.ASSETS.get(url.pathname.slice(8));
      return new Response(object ? object.body : null, { status: object ? 200 : 404 });
    }
    if (request.method === "POST") {
      await env.ORDERS.send({ order: await request.text(), paid: Boolean(STRIPE_KEY) });
      return new Response("ordered", { status: 202 });
    }
    const cached = await env.CACHE.get("home");
    const stock = await env.INVENTORY.stock("sku-1");
    return new Response(cached ?? `${SHOP_NAME}: ${stock} of ${MAX_ITEMS}, search ${FEATURES.search}`);
  },
};
