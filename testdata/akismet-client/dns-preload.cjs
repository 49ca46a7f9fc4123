'use strict'

// dns-preload.cjs makes every name under .localhost (and localhost itself)
// resolve to 127.0.0.1, as RFC 6761 reserves them for loopback. Load it with
// `node --require ./dns-preload.cjs`.
//
// Why: akismet-api puts the API key in the host name
// (http://KEY.localhost:PORT/1.1/comment-check), and the C library resolver
// behind dns.lookup does not resolve KEY.localhost on most Linux machines
// without systemd-resolved. akismet-api sends its requests with superagent,
// which uses node:http; node:http connects through net.connect, which calls
// dns.lookup at connect time (not dns.promises, not a resolver of its own),
// so replacing dns.lookup here is enough. This is test scaffolding only:
// the product never resolves names.

const dns = require('node:dns')

const original = dns.lookup
const loopback = '127.0.0.1'

function isLocalhost(hostname) {
  const h = String(hostname).toLowerCase().replace(/\.$/, '')
  return h === 'localhost' || h.endsWith('.localhost')
}

dns.lookup = function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = {}
  }
  if (!isLocalhost(hostname)) {
    return original.call(this, hostname, options, callback)
  }
  const all = typeof options === 'object' && options !== null && options.all
  process.nextTick(() => {
    if (all) callback(null, [{ address: loopback, family: 4 }])
    else callback(null, loopback, 4)
  })
}
