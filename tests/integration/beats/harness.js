'use strict'
// Shared helpers of the beats and tcp integration tests (Node standard
// library only): start logpipe, wait for conditions with deadlines, collect
// its JSON-lines output, a Lumberjack v2 client that reads ACKs, and test
// certificates made with openssl.
const child = require('child_process')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const tls = require('tls')
const zlib = require('zlib')

const results = { passed: 0, failed: 0 }

function log(...a) {
  console.log(...a)
}

async function test(name, fn) {
  const t0 = Date.now()
  try {
    await fn()
    results.passed++
    log(`PASS ${name} (${Date.now() - t0} ms)`)
  } catch (e) {
    results.failed++
    log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`)
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error('assertion failed: ' + msg)
}

function tick(ms) {
  return new Promise((r) => setTimeout(r, ms))
}

// Polls pred every 20 ms until it returns a truthy value or the deadline
// passes (then throws with what).
async function waitFor(pred, ms, what) {
  const end = Date.now() + ms
  for (;;) {
    const v = await pred()
    if (v) return v
    if (Date.now() > end) throw new Error('timed out waiting for ' + what)
    await tick(20)
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => resolve(p))
    })
    s.on('error', reject)
  })
}

async function waitPort(port, ms) {
  await waitFor(() => new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true) })
    s.on('error', () => resolve(false))
  }), ms, 'port ' + port)
}

// Starts logpipe with config text; collects stdout lines parsed as JSON into
// proc.events and stderr into proc.err.
const procs = []
function startLogpipe(bin, config, extraArgs = []) {
  const args = ['--api.enabled', 'false', '--log.level', 'info', '-e', config, ...extraArgs]
  const p = child.spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  p.on('error', (e) => { p.err += `cannot start ${bin}: ${e.message}\n`; p.exited = true; p.code = -1 })
  p.events = []
  p.raw = ''
  p.err = ''
  p.exited = false
  let partial = ''
  p.stdout.setEncoding('utf8')
  p.stdout.on('data', (d) => {
    if (p.keepRaw) p.raw += d
    partial += d
    let i
    while ((i = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, i)
      partial = partial.slice(i + 1)
      if (!line.trim()) continue
      try { p.events.push(JSON.parse(line)) } catch (e) { p.events.push({ _unparsed: line }) }
    }
  })
  p.stderr.setEncoding('utf8')
  p.stderr.on('data', (d) => { p.err += d; if (process.env.LP_TEST_VERBOSE) process.stderr.write(d) })
  p.keepRaw = true
  procs.push(p)
  p.on('exit', (code, sig) => { p.exited = true; p.code = code; p.signal = sig })
  return p
}

async function stopLogpipe(p, ms = 20000) {
  if (p.exited) return p.code
  p.kill('SIGTERM')
  await waitFor(() => p.exited, ms, 'logpipe to exit')
  return p.code
}

// A Lumberjack v2 client over a net or tls socket that collects ACK
// sequence numbers (keep-alive ACK 0 counted separately).
class BeatsClient {
  constructor(sock) {
    this.sock = sock
    this.acks = []
    this.keepalives = 0
    this.closed = false
    this.error = null
    this.buf = Buffer.alloc(0)
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d])
      while (this.buf.length >= 6) {
        if ((this.buf[0] !== 0x32 && this.buf[0] !== 0x31) || this.buf[1] !== 0x41) {
          this.error = new Error('unexpected bytes from server')
          break
        }
        this.lastAckVersion = this.buf[0] - 0x30
        const seq = this.buf.readUInt32BE(2)
        this.buf = this.buf.subarray(6)
        if (seq === 0) this.keepalives++
        else this.acks.push(seq)
      }
    })
    sock.on('error', (e) => { this.error = e })
    sock.on('close', () => { this.closed = true })
  }

  static connect(port, tlsOpts) {
    return new Promise((resolve, reject) => {
      let s
      const done = () => { s.removeListener('error', reject); resolve(new BeatsClient(s)) }
      if (tlsOpts) s = tls.connect({ host: '127.0.0.1', port, ...tlsOpts }, done)
      else s = net.connect({ host: '127.0.0.1', port }, done)
      s.on('error', reject)
    })
  }

  write(buf) {
    return new Promise((resolve) => this.sock.write(buf, () => resolve()))
  }

  destroy() { this.sock.destroy() }

  async waitAck(seq, ms = 10000) {
    await waitFor(() => {
      if (this.acks.includes(seq)) return true
      if (this.error) throw this.error
      if (this.closed) throw new Error('connection closed before ACK ' + seq)
      return false
    }, ms, 'ACK ' + seq)
  }
}

// Frame encoders.
function u32(n) { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b }
function windowFrame(n, version = 2) { return Buffer.concat([Buffer.from(String(version) + 'W'), u32(n)]) }
function jsonFrame(seq, obj) {
  const p = Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj))
  return Buffer.concat([Buffer.from('2J'), u32(seq), u32(p.length), p])
}
function dataFrame(seq, pairs) {
  const parts = [Buffer.from('1D'), u32(seq), u32(Object.keys(pairs).length)]
  for (const [k, v] of Object.entries(pairs)) {
    const kb = Buffer.from(k), vb = Buffer.from(String(v))
    parts.push(u32(kb.length), kb, u32(vb.length), vb)
  }
  return Buffer.concat(parts)
}
function compressedFrame(content) {
  const z = zlib.deflateSync(content)
  return Buffer.concat([Buffer.from('2C'), u32(z.length), z])
}
// A whole window of JSON events (seq 1..n), optionally compressed.
function windowOf(objs, compress = false) {
  const frames = Buffer.concat(objs.map((o, i) => jsonFrame(i + 1, o)))
  return Buffer.concat([windowFrame(objs.length), compress ? compressedFrame(frames) : frames])
}

// Test certificates: a CA, a server certificate for 127.0.0.1/localhost with
// a PKCS#8 key encrypted with a passphrase and the same key in traditional
// PEM, a client certificate signed by the CA, and one from another CA.
function makeCerts(dir) {
  const run = (args) => child.execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  fs.writeFileSync(path.join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  fs.writeFileSync(path.join(dir, 'client.cnf'), 'extendedKeyUsage=clientAuth\n')
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=logpipe test CA'])
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '2', '-subj', '/CN=other CA'])
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'])
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.cnf'])
  run(['pkcs8', '-topk8', '-in', 'server.key', '-out', 'server.p8.key', '-passout', 'pass:s3cret-pass', '-v2', 'aes-256-cbc'])
  run(['rsa', '-in', 'server.key', '-out', 'server.trad.key', '-traditional'])
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=beats-client/O=logpipe tests'])
  run(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2', '-extfile', 'client.cnf'])
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rogue.key', '-out', 'rogue.csr', '-subj', '/CN=rogue'])
  run(['x509', '-req', '-in', 'rogue.csr', '-CA', 'other-ca.crt', '-CAkey', 'other-ca.key', '-CAcreateserial', '-out', 'rogue.crt', '-days', '2', '-extfile', 'client.cnf'])
  const rd = (f) => fs.readFileSync(path.join(dir, f))
  return {
    dir, ca: rd('ca.crt'), clientCert: rd('client.crt'), clientKey: rd('client.key'),
    rogueCert: rd('rogue.crt'), rogueKey: rd('rogue.key'),
    file: (f) => path.join(dir, f),
  }
}

const tmpdirs = []
function tmpdir(prefix) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  tmpdirs.push(d)
  return d
}

// Prints the closing line, removes the temporary directories and returns
// the exit code.
function report() {
  for (const d of tmpdirs) fs.rmSync(d, { recursive: true, force: true })
  // a sanitizer build reports memory errors and leaks on stderr
  const bad = procs.filter((p) => /ERROR: (Address|Leak)Sanitizer|runtime error:/.test(p.err))
  if (bad.length) {
    results.failed++
    log(`FAIL sanitizer reports in ${bad.length} logpipe run(s):\n` + bad.map((p) => p.err).join('\n'))
  } else {
    results.passed++
    log(`PASS no sanitizer reports in ${procs.length} logpipe runs`)
  }
  console.log(`${results.passed} passed, ${results.failed} failed`)
  return results.failed === 0 ? 0 : 1
}

module.exports = {
  test, assert, tick, waitFor, freePort, waitPort, startLogpipe, stopLogpipe, BeatsClient,
  u32, windowFrame, jsonFrame, dataFrame, compressedFrame, windowOf, makeCerts, tmpdir, report, results,
}
