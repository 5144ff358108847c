import { chooseServer } from '@app/testing';

const { server } = await chooseServer();
console.log(server.adminUrl);
process.on('SIGTERM', async () => {
  await server.stop();
  process.exit(0);
});
setInterval(() => {}, 1 << 30);
