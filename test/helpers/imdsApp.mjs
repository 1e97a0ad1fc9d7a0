// A program on a sandbox instance that reads its role's credentials from the metadata service
// (SANDBOX_IMDS_URL) over and over, like a service using an SDK: `normal` reads without a token
// (an old SDK, or a hand-written curl), `token` asks for one first. ALIBABA_CLOUD_IMDSV1_DISABLED
// =true makes it use a token whatever it was told, as Alibaba's credentials SDKs do.
import http from 'node:http';

const base = process.env.SANDBOX_IMDS_URL;
const token = process.argv[2] === 'token' || process.env.ALIBABA_CLOUD_IMDSV1_DISABLED === 'true';
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const PATH = '/latest/meta-data/ram/security-credentials/';

function request(method, path, headers = {}) {
  return new Promise((resolve) => {
    const req = http.request(`${base}${path}`, { method, headers, agent }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

async function once() {
  const h = {};
  if (token) {
    const t = await request('PUT', '/latest/api/token', { 'X-aliyun-ecs-metadata-token-ttl-seconds': '60' });
    h['X-aliyun-ecs-metadata-token'] = t.body;
  }
  const role = await request('GET', PATH, h);
  if (role.status === 200) {
    await request('GET', PATH + role.body.split('\n')[0], h);
  }
}

for (;;) {
  await once();
  await new Promise((r) => setTimeout(r, 100));
}
