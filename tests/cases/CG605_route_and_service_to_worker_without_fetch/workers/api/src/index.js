export default {
  async scheduled(controller, env) {},
};
