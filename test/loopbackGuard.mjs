// Loaded into every test process (node --import): any TCP connection whose destination address is
// not loopback fails before a packet leaves, so no test can reach a real cloud host or
// 100.100.100.200. Host names are checked after resolution, so DNS-pinned OSS hosts pass only
// when they resolve to 127.0.0.1.
import dns from 'node:dns';
import net from 'node:net';

const isLoopback = (address) =>
  net.isIPv4(address) ? address.startsWith('127.') : address === '::1' || address === '::ffff:127.0.0.1';
const blocked = (what) =>
  Object.assign(new Error(`loopback guard: blocked connection to ${what}`), { code: 'ELOOPBACKGUARD' });

function guard(options) {
  if (!options || typeof options !== 'object' || options.path) {
    return undefined;
  }
  const host = options.host ?? 'localhost';
  if (net.isIP(host)) {
    return isLoopback(host) ? undefined : blocked(host);
  }
  const lookup = options.lookup ?? dns.lookup;
  options.lookup = (hostname, opts, cb) => {
    if (typeof opts === 'function') {
      cb = opts;
      opts = {};
    }
    lookup(hostname, opts, (err, address, family) => {
      if (err) {
        cb(err);
        return;
      }
      const all = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const bad = all.find((a) => !isLoopback(a));
      if (bad) {
        cb(blocked(`${hostname} (${bad})`));
        return;
      }
      cb(null, address, family);
    });
  };
  return undefined;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.createConnection passes its normalized [options, cb] array as the first argument.
  const options = Array.isArray(args[0])
    ? args[0][0]
    : typeof args[0] === 'object'
      ? args[0]
      : typeof args[0] === 'number' || /^\d+$/.test(String(args[0]))
        ? { port: args[0], host: typeof args[1] === 'string' ? args[1] : 'localhost' }
        : { path: args[0] };
  const error = guard(options);
  if (error) {
    process.nextTick(() => this.destroy(error));
    return this;
  }
  if (Array.isArray(args[0])) {
    args[0][0] = options;
  } else if (typeof args[0] !== 'object') {
    return connect.call(this, options, ...args.slice(typeof args[1] === 'string' ? 2 : 1));
  }
  return connect.apply(this, args);
};
