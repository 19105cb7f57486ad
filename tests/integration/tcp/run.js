'use strict'
// Integration tests of the tcp input through the real binary: line and
// json_lines codecs, the codec's max_line_size, many concurrent senders, ECS
// source metadata, TLS with client authentication (required by default).
// Usage: node run.js LOGPIPE_BIN
const net = require('net')
const path = require('path')
const tls = require('tls')
const H = require(path.join(__dirname, '..', 'beats', 'harness'))
const { test, assert, waitFor, freePort, waitPort, startLogpipe, stopLogpipe } = H

const bin = process.argv[2] || process.env.LOGPIPE_BIN
if (!bin) {
  console.error('usage: node run.js LOGPIPE_BIN')
  process.exit(2)
}

// Connects, writes data, ends the stream and resolves when the server closed.
function send(port, data, tlsOpts) {
  return new Promise((resolve, reject) => {
    const opts = { host: '127.0.0.1', port, ...(tlsOpts || {}) }
    const s = tlsOpts ? tls.connect(opts, go) : net.connect(opts, go)
    let err = null
    function go() { s.end(data) }
    s.on('error', (e) => { err = e })
    s.on('close', () => (err && !tlsOpts ? reject(err) : resolve(err)))
    s.resume()
  })
}

function msgs(p, prefix) {
  return p.events.filter((e) => typeof e.message === 'string' && e.message.startsWith(prefix))
}

async function linesSuite() {
  const port = await freePort()
  const jport = await freePort()
  const sport = await freePort()
  const lp = startLogpipe(bin, `input {
      tcp { port => ${port} host => "127.0.0.1" }
      tcp { port => ${jport} host => "127.0.0.1" codec => json_lines }
      tcp { port => ${sport} host => "127.0.0.1" codec => line { max_line_size => 100 } }
    } output { stdout { codec => json_lines } }`)
  try {
    await waitPort(port, 15000)
    await waitPort(jport, 15000)
    await waitPort(sport, 15000)

    await test('line codec: LF and CRLF lines, and a last line without newline', async () => {
      await send(port, 'line-a one\nline-a two\r\nline-a three\nline-a last')
      await waitFor(() => msgs(lp, 'line-a').length === 4, 10000, '4 lines')
      const m = msgs(lp, 'line-a').map((e) => e.message).sort()
      assert(JSON.stringify(m) === JSON.stringify(['line-a last', 'line-a one', 'line-a three', 'line-a two']), JSON.stringify(m))
    })

    await test('line codec: bytes split across many writes', async () => {
      const s = net.connect({ host: '127.0.0.1', port })
      await new Promise((r) => s.on('connect', r))
      const text = Array.from({ length: 50 }, (_, i) => `line-split ${i} ${'x'.repeat(i)}`).join('\n') + '\n'
      for (let off = 0; off < text.length; off += 13) {
        await new Promise((r) => s.write(text.slice(off, off + 13), r))
      }
      s.end()
      await waitFor(() => msgs(lp, 'line-split').length === 50, 10000, '50 lines')
    })

    await test('json_lines codec: one event per JSON line; a bad line is tagged, not lost', async () => {
      await send(jport, '{"message":"json-a 1","n":1}\n{"message":"json-a 2","nested":{"k":"v"}}\nnot json at all\n')
      await waitFor(() => msgs(lp, 'json-a').length === 2, 10000, 'two JSON events')
      const e = msgs(lp, 'json-a').find((x) => x.message === 'json-a 2')
      assert(e.nested && e.nested.k === 'v', 'nested field')
      await waitFor(() => lp.events.some((x) => Array.isArray(x.tags) && x.tags.includes('_jsonparsefailure')), 10000, 'the tagged bad line')
    })

    await test('max_line_size: a longer line is cut and tagged _linetoolong', async () => {
      await send(sport, 'long-' + 'y'.repeat(5000) + '\nlong-short\n')
      await waitFor(() => msgs(lp, 'long-').length === 2, 10000, 'two events')
      const cut = msgs(lp, 'long-').find((x) => x.message !== 'long-short')
      assert(cut.message.length === 100, 'cut to 100 bytes: ' + cut.message.length)
      assert(cut.tags && cut.tags.includes('_linetoolong'), 'tagged')
      const ok = msgs(lp, 'long-short')[0]
      assert(!ok.tags || !ok.tags.includes('_linetoolong'), 'the next line is whole')
    })

    await test('50 concurrent senders x 200 lines: every line arrives', async () => {
      const jobs = []
      for (let c = 0; c < 50; c++) {
        jobs.push(send(port, Array.from({ length: 200 }, (_, i) => `many ${c} ${i}`).join('\n') + '\n'))
      }
      await Promise.all(jobs)
      await waitFor(() => msgs(lp, 'many ').length === 10000, 30000, '10,000 lines (have ' + msgs(lp, 'many ').length + ')')
      assert(new Set(msgs(lp, 'many ').map((e) => e.message)).size === 10000, 'all distinct')
    })
  } finally {
    const code = await stopLogpipe(lp)
    await test('exits 0 on SIGTERM', async () => assert(code === 0, 'exit code ' + code))
  }
}

async function tlsSuite() {
  const certs = H.makeCerts(H.tmpdir('lp-tcp-tls-'))
  const f = certs.file
  const port = await freePort()
  const nport = await freePort()
  const lp = startLogpipe(bin, `input {
      tcp { port => ${port} host => "127.0.0.1" ssl_enabled => true ssl_certificate => "${f('server.crt')}"
            ssl_key => "${f('server.p8.key')}" ssl_key_passphrase => "s3cret-pass"
            ssl_certificate_authorities => ["${f('ca.crt')}"] }
      tcp { port => ${nport} host => "127.0.0.1" ssl_enabled => true ssl_certificate => "${f('server.crt')}"
            ssl_key => "${f('server.trad.key')}" ssl_client_authentication => "none" }
    } output { stdout { codec => rubydebug { metadata => true } } }`)
  try {
    await waitPort(port, 15000)
    await waitPort(nport, 15000)
    await test('TLS with a client certificate (required by default): lines arrive with source and subject metadata', async () => {
      await send(port, 'tls-ok one\ntls-ok two\n', { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, servername: 'localhost' })
      await waitFor(() => (lp.raw.match(/tls-ok/g) || []).length === 2, 10000, 'two lines')
      assert(/"ip" => "127\.0\.0\.1"/.test(lp.raw), 'source ip')
      assert(/"port" => \d+/.test(lp.raw), 'source port')
      assert(/"subject" => "O=logpipe tests,CN=beats-client"/.test(lp.raw), 'client subject:\n' + lp.raw)
    })
    await test('TLS: a client without a certificate is refused by default', async () => {
      const before = lp.err.length
      await send(port, 'tls-nocert\n', { ca: certs.ca, servername: 'localhost' })
      await waitFor(() => /TLS handshake failed/.test(lp.err.slice(before)), 10000, 'a log line')
      assert(!lp.raw.includes('tls-nocert'), 'not accepted')
    })
    await test('TLS: a plain-text client is refused and logged', async () => {
      const before = lp.err.length
      await send(port, 'plain-on-tls\n').catch(() => {})
      await waitFor(() => /TLS handshake failed/.test(lp.err.slice(before)), 10000, 'a log line')
      assert(!lp.raw.includes('plain-on-tls'), 'not accepted')
    })
    await test('TLS with ssl_client_authentication => none and a traditional key', async () => {
      await send(nport, 'tls-none\n', { ca: certs.ca, servername: 'localhost' })
      await waitFor(() => lp.raw.includes('tls-none'), 10000, 'the line')
    })
  } finally {
    await stopLogpipe(lp)
  }
  await test('an explicit ssl_client_authentication => required without ssl_certificate_authorities is a configuration error', async () => {
    const p = await freePort()
    const lp2 = startLogpipe(bin, `input { tcp { port => ${p} ssl_enabled => true ssl_certificate => "${f('server.crt')}"
      ssl_key => "${f('server.trad.key')}" ssl_client_authentication => "required" } } output { stdout {} }`)
    await waitFor(() => lp2.exited, 10000, 'logpipe to exit')
    assert(lp2.code !== 0, 'non-zero exit')
    assert(/ssl_certificate_authorities/.test(lp2.err), 'names the option: ' + lp2.err)
  })
  await test('the default (required) without ssl_certificate_authorities checks client certificates against the system CAs', async () => {
    const p = await freePort()
    const lp3 = startLogpipe(bin, `input { tcp { port => ${p} host => "127.0.0.1" ssl_enabled => true
      ssl_certificate => "${f('server.crt')}" ssl_key => "${f('server.trad.key')}" } } output { stdout { codec => json_lines } }`)
    try {
      await waitPort(p, 15000)
      const before = lp3.err.length
      await send(p, 'sys-ca\n', { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, servername: 'localhost' })
      await waitFor(() => /TLS handshake failed/.test(lp3.err.slice(before)), 10000, 'a log line')
      assert(!msgs(lp3, 'sys-ca').length, 'a certificate from a CA the system does not trust is refused')
    } finally {
      await stopLogpipe(lp3)
    }
  })
}

async function main() {
  await linesSuite()
  await tlsSuite()
  process.exit(H.report())
}

main().catch((e) => {
  console.error(e)
  console.log(`${H.results.passed} passed, ${H.results.failed + 1} failed`)
  process.exit(1)
})
