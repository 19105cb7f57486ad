'use strict'
// Integration tests of the beats input through the real binary: the
// third-party npm client lumberjack-client (compressed windows), and the
// tests' own Lumberjack client for what it lacks (uncompressed and v1 frames,
// reading ACKs, pipelined windows, resending after a disconnect, keep-alives
// while an output is blocked, 1,000 connections, TLS and mutual TLS, bad
// frames). Usage: node run.js LOGPIPE_BIN
const path = require('path')
const H = require('./harness')
const { test, assert, waitFor, freePort, waitPort, startLogpipe, stopLogpipe, BeatsClient } = H

const bin = process.argv[2] || process.env.LOGPIPE_BIN
if (!bin) {
  console.error('usage: node run.js LOGPIPE_BIN')
  process.exit(2)
}
const LumberjackClient = require(path.join(__dirname, 'node_modules', 'lumberjack-client'))

function ids(p, prefix) {
  return new Set(p.events.filter((e) => typeof e.id === 'string' && e.id.startsWith(prefix)).map((e) => e.id))
}

function range(n, f) {
  return Array.from({ length: n }, (_, i) => f(i))
}

async function plainSuite() {
  const port = await freePort()
  const lp = startLogpipe(bin, `input { beats { port => ${port} host => "127.0.0.1" } } output { stdout { codec => json_lines } }`)
  try {
    await waitPort(port, 15000)

    await test('lumberjack-client (npm): compressed windows all arrive', async () => {
      const c = new LumberjackClient({ host: '127.0.0.1', port })
      // logged while connecting: one window of 300 events
      for (let i = 0; i < 300; i++) c.log({ id: `npm-${i}`, message: `npm event ${i}` })
      await waitFor(() => c.connected, 10000, 'the npm client to connect')
      // logged once connected: one window per event
      for (let i = 300; i < 350; i++) c.log({ id: `npm-${i}`, message: `npm event ${i}` })
      await waitFor(() => ids(lp, 'npm-').size === 350, 15000, '350 npm events')
      const e = lp.events.find((x) => x.id === 'npm-7')
      assert(e.message === 'npm event 7', 'message kept')
      assert(Array.isArray(e.tags) && e.tags.includes('beats_input_codec_plain_applied'), 'codec tag')
      c.socket.destroy()
      c.connect = () => {}
    })

    await test('uncompressed window is acknowledged with its last sequence number', async () => {
      const c = await BeatsClient.connect(port)
      await c.write(H.windowOf(range(10, (i) => ({ id: `plain-${i}`, message: 'm' }))))
      await c.waitAck(10)
      assert(ids(lp, 'plain-').size === 10, 'all 10 events delivered before the ACK: ' + ids(lp, 'plain-').size)
      c.destroy()
    })

    await test('compressed window from our own client', async () => {
      const c = await BeatsClient.connect(port)
      await c.write(H.windowOf(range(50, (i) => ({ id: `zip-${i}`, n: i })), true))
      await c.waitAck(50)
      assert(ids(lp, 'zip-').size === 50, 'all 50 delivered')
      c.destroy()
    })

    await test('v1 data frames: line becomes message', async () => {
      const c = await BeatsClient.connect(port)
      const frames = [H.windowFrame(2, 1), H.dataFrame(1, { line: 'v1 first', id: 'v1-a', file: '/var/log/x' }),
        H.dataFrame(2, { line: 'v1 second', id: 'v1-b' })]
      await c.write(Buffer.concat(frames))
      await c.waitAck(2)
      assert(c.lastAckVersion === 1, 'a version 1 window gets a version 1 ACK')
      assert(ids(lp, 'v1-').size === 2, 'v1 events')
      const e = lp.events.find((x) => x.id === 'v1-a')
      assert(e.message === 'v1 first' && e.file === '/var/log/x', 'v1 fields: ' + JSON.stringify(e))
      c.destroy()
    })

    await test('pipelined windows are acknowledged in order', async () => {
      const c = await BeatsClient.connect(port)
      const all = []
      for (let w = 1; w <= 6; w++) all.push(H.windowOf(range(w, (i) => ({ id: `pipe-${w}-${i}` })), w % 2 === 0))
      await c.write(Buffer.concat(all))
      await waitFor(() => c.acks.length >= 6 || c.closed, 10000, 'six ACKs')
      assert(JSON.stringify(c.acks) === JSON.stringify([1, 2, 3, 4, 5, 6]), 'ACK order ' + JSON.stringify(c.acks))
      assert(ids(lp, 'pipe-').size === 21, 'all 21 delivered')
      c.destroy()
    })

    await test('a client that half-closes after its window still gets the ACK', async () => {
      const c = await BeatsClient.connect(port)
      c.sock.end(H.windowOf(range(3, (i) => ({ id: `half-${i}` }))))
      await c.waitAck(3)
      assert(ids(lp, 'half-').size === 3, 'delivered')
      await waitFor(() => c.closed, 5000, 'the server to close after the ACK')
    })

    await test('bytes split across many writes', async () => {
      const c = await BeatsClient.connect(port)
      const buf = H.windowOf(range(20, (i) => ({ id: `split-${i}`, message: 'x'.repeat(i * 10) })))
      for (let off = 0; off < buf.length; off += 7) {
        await c.write(buf.subarray(off, Math.min(buf.length, off + 7)))
      }
      await c.waitAck(20)
      assert(ids(lp, 'split-').size === 20, 'all delivered')
      c.destroy()
    })

    await test('connection killed mid-window, then resent: every event present', async () => {
      const evs = range(40, (i) => ({ id: `resend-${i}`, message: 'r' }))
      const full = H.windowOf(evs)
      const c1 = await BeatsClient.connect(port)
      await c1.write(full.subarray(0, Math.floor(full.length / 2)))
      c1.destroy()
      const c2 = await BeatsClient.connect(port)
      await c2.write(full)
      await c2.waitAck(40)
      assert(ids(lp, 'resend-').size === 40, 'all 40 present: ' + ids(lp, 'resend-').size)
      assert(c1.acks.length === 0, 'no ACK on the killed connection')
      c2.destroy()
    })

    const badCase = async (name, bytes, logNeedle) => {
      await test(`bad input closes only that connection: ${name}`, async () => {
        const before = lp.err.length
        const c = await BeatsClient.connect(port)
        await c.write(bytes)
        await waitFor(() => c.closed, 10000, 'the server to close the connection')
        assert(c.acks.length === 0, 'nothing acknowledged')
        await waitFor(() => lp.err.slice(before).includes(logNeedle), 5000, `a log line with "${logNeedle}"`)
        assert(/127\.0\.0\.1:\d+/.test(lp.err.slice(before)), 'log names the peer')
        // the process and other connections carry on
        const ok = await BeatsClient.connect(port)
        await ok.write(H.windowOf([{ id: `after-${name}` }]))
        await ok.waitAck(1)
        ok.destroy()
      })
    }
    await badCase('wrong version', Buffer.from('3W\0\0\0\x01'), 'wrong protocol version')
    await badCase('unknown frame type', Buffer.from('2Q\0\0\0\x01'), "unknown frame type 'Q'")
    await badCase('not JSON', Buffer.concat([H.windowFrame(1), H.jsonFrame(1, '{"a":')]), 'is not JSON')
    await badCase('JSON not an object', Buffer.concat([H.windowFrame(1), H.jsonFrame(1, '[1,2]')]), 'not a JSON object')
    await badCase('event outside a window', H.jsonFrame(1, { id: 'nowindow' }), 'arrived outside a window')
    await badCase('a new window inside a window', Buffer.concat([H.windowFrame(3), H.jsonFrame(1, { id: 'w' }), H.windowFrame(1)]), 'a new window began')
    await badCase('frame over the size limit', Buffer.concat([H.windowFrame(1), Buffer.from('2J'), H.u32(1), H.u32(0x7fffffff)]), 'over the limit')
    await badCase('corrupt zlib', Buffer.concat([H.windowFrame(1), Buffer.from('2C'), H.u32(8), Buffer.from('notzlib!')]), 'corrupt zlib')
    await badCase('compressed length that lies', (() => {
      const z = require('zlib').deflateSync(H.jsonFrame(1, { id: 'x' }))
      return Buffer.concat([H.windowFrame(1), Buffer.from('2C'), H.u32(z.length + 5), z, Buffer.from('junk!')])
    })(), 'after the end of its zlib stream')
    await badCase('zip bomb', (() => {
      const z = require('zlib').deflateSync(Buffer.alloc(80 << 20))
      return Buffer.concat([H.windowFrame(1), Buffer.from('2C'), H.u32(z.length), z])
    })(), 'inflates to more than')
    await badCase('TLS to a plain port', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00]), 'wrong protocol version')

    await test('1,000 connections at once, each sending windows, all acknowledged', async () => {
      const N = 1000
      const conns = []
      for (let i = 0; i < N; i++) conns.push(BeatsClient.connect(port))
      const cs = await Promise.all(conns)
      await Promise.all(cs.map((c, i) => c.write(Buffer.concat([
        H.windowOf(range(3, (j) => ({ id: `many-${i}-a${j}` })), i % 2 === 0),
        H.windowOf(range(2, (j) => ({ id: `many-${i}-b${j}` })), i % 3 === 0),
      ]))))
      await waitFor(() => cs.every((c) => c.acks.length >= 2 || c.closed || c.error), 60000, 'every connection acknowledged')
      const bad = cs.filter((c) => JSON.stringify(c.acks) !== '[3,2]')
      assert(bad.length === 0, `${bad.length} connections without both ACKs`)
      assert(ids(lp, 'many-').size === 5 * N, 'all events: ' + ids(lp, 'many-').size)
      cs.forEach((c) => c.destroy())
    })
  } finally {
    const code = await stopLogpipe(lp)
    await test('plain instance exits 0 on SIGTERM', async () => assert(code === 0, 'exit code ' + code))
  }
}

// Blocks the output by not reading logpipe's stdout, so that ACKs are held
// back while keep-alives flow; then reads again and the ACK arrives.
async function blockedOutputSuite() {
  const port = await freePort()
  const lp = startLogpipe(bin, `input { beats { port => ${port} host => "127.0.0.1" } } output { stdout { codec => json_lines } }`,
    ['--pipeline.workers', '1', '--pipeline.batch.size', '50', '--queue.max_events', '200'])
  try {
    await waitPort(port, 15000)
    await test('a blocked output holds the ACK back while keep-alives flow; the ACK follows recovery', async () => {
      lp.stdout.pause()
      const filler = await BeatsClient.connect(port)
      // ~1 MB of output: more than the pipe holds, so the output blocks
      await filler.write(H.windowOf(range(1000, (i) => ({ id: `fill-${i}`, message: 'f'.repeat(1000) }))))
      const c = await BeatsClient.connect(port)
      await c.write(H.windowOf(range(5, (i) => ({ id: `held-${i}` }))))
      await waitFor(() => c.keepalives >= 2, 15000, 'two keep-alives')
      assert(c.acks.length === 0 && filler.acks.length === 0, 'no ACK while the output is blocked')
      assert(!c.closed, 'connection stays open')
      lp.stdout.resume()
      await filler.waitAck(1000, 30000)
      await c.waitAck(5, 30000)
      assert(ids(lp, 'held-').size === 5 && ids(lp, 'fill-').size === 1000, 'all delivered')
      c.destroy()
      filler.destroy()
    })

    await test('a full queue stops reading one client while others are still served', async () => {
      lp.stdout.pause()
      const big = await BeatsClient.connect(port)
      let small = null
      try {
        // 16 MB: more than the queue, the pipe and the kernel's socket
        // buffers hold, so the client sees TCP backpressure only if the
        // input stops reading this socket
        const chunks = []
        for (let w = 0; w < 40; w++) chunks.push(H.windowOf(range(200, (i) => ({ id: `bp-${w}-${i}`, message: 'b'.repeat(2000) }))))
        big.sock.write(Buffer.concat(chunks))
        await waitFor(() => big.sock.writableLength > 0, 15000, 'the client to see TCP backpressure')
        lp.stdout.resume()
        small = await BeatsClient.connect(port)
        await small.write(H.windowOf([{ id: 'bp-small' }]))
        await small.waitAck(1, 30000)
        await waitFor(() => big.acks.length === 40, 90000, 'all 40 big windows acknowledged')
        assert(ids(lp, 'bp-').size === 8001, 'every event delivered: ' + ids(lp, 'bp-').size)
      } finally {
        lp.stdout.resume()
        big.destroy()
        if (small) small.destroy()
      }
    })

    await test('SIGTERM while a window is being delivered: its ACK still goes out, then exit 0', async () => {
      lp.stdout.pause()
      // enough output to block the pipe, not enough to fill the queue: the
      // next window is taken by the engine and waits for delivery
      const filler = await BeatsClient.connect(port)
      await filler.write(H.windowOf(range(100, (i) => ({ id: `tfill-${i}`, message: 'f'.repeat(4000) }))))
      const c = await BeatsClient.connect(port)
      await c.write(H.windowOf(range(4, (i) => ({ id: `term-${i}` }))))
      await waitFor(() => c.keepalives >= 1, 15000, 'a keep-alive (the window is waiting)')
      assert(c.acks.length === 0, 'not acknowledged yet')
      lp.kill('SIGTERM')
      lp.stdout.resume()
      await c.waitAck(4, 15000)
      await filler.waitAck(100, 15000)
      await waitFor(() => lp.exited, 20000, 'logpipe to exit')
      assert(lp.code === 0, 'exit code ' + lp.code)
      assert(ids(lp, 'term-').size === 4, 'delivered')
    })
  } finally {
    lp.stdout.resume()
    await stopLogpipe(lp)
  }
}

async function tlsSuite() {
  const certs = H.makeCerts(H.tmpdir('lp-beats-tls-'))
  const f = certs.file
  {
    const port = await freePort()
    const lp = startLogpipe(bin, `input { beats { port => ${port} host => "127.0.0.1" ssl_enabled => true
      ssl_certificate => "${f('server.crt')}" ssl_key => "${f('server.trad.key')}" } }
      output { stdout { codec => json_lines } }`)
    try {
      await waitPort(port, 15000)
      await test('TLS (traditional PEM key): window acknowledged', async () => {
        const c = await BeatsClient.connect(port, { ca: certs.ca, servername: 'localhost' })
        await c.write(H.windowOf(range(5, (i) => ({ id: `tls-${i}` })), true))
        await c.waitAck(5)
        assert(ids(lp, 'tls-').size === 5, 'delivered')
        c.destroy()
      })
      await test('TLS: a plain-text client is refused and logged', async () => {
        const before = lp.err.length
        const c = await BeatsClient.connect(port)
        await c.write(H.windowOf([{ id: 'plain-on-tls' }]))
        await waitFor(() => c.closed, 10000, 'the server to close')
        assert(c.acks.length === 0, 'no ACK')
        await waitFor(() => /TLS handshake failed/.test(lp.err.slice(before)), 5000, 'a handshake log line in:\n' + lp.err)
      })
    } finally {
      await stopLogpipe(lp)
    }
  }
  {
    const port = await freePort()
    const lp = startLogpipe(bin, `input { beats { port => ${port} host => "127.0.0.1" ssl_enabled => true
      ssl_certificate => "${f('server.crt')}" ssl_key => "${f('server.p8.key')}" ssl_key_passphrase => "s3cret-pass"
      ssl_certificate_authorities => ["${f('ca.crt')}"] ssl_client_authentication => "required"
      enrich => [source_metadata, ssl_peer_metadata] ssl_supported_protocols => ["TLSv1.2", "TLSv1.3"] } }
      output { stdout { codec => rubydebug { metadata => true } } }`)
    try {
      await waitPort(port, 15000)
      await test('mutual TLS (encrypted PKCS#8 key): client with a certificate is served, peer metadata set', async () => {
        const c = await BeatsClient.connect(port, { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, servername: 'localhost' })
        await c.write(H.windowOf([{ id: 'mtls-1', '@metadata': { beat: 'filebeat', version: '8.15.0' } }]))
        await c.waitAck(1)
        await waitFor(() => lp.raw.includes('mtls-1'), 5000, 'the event')
        assert(/"subject" => "O=logpipe tests,CN=beats-client"/.test(lp.raw), 'client subject in metadata:\n' + lp.raw)
        assert(/"ip" => "127\.0\.0\.1"/.test(lp.raw), 'peer ip in metadata')
        assert(/"status" => true/.test(lp.raw), 'tls_peer status')
        assert(/"version_protocol" => "TLSv1\.[23]"/.test(lp.raw), 'protocol')
        assert(/"beat" => "filebeat"/.test(lp.raw), "Filebeat's own metadata kept")
        assert(!/beats_input_codec_plain_applied/.test(lp.raw), 'no codec tag without codec_metadata')
        c.destroy()
      })
      await test('mutual TLS: a client without a certificate is refused', async () => {
        const before = lp.err.length
        let refused = false
        try {
          const c = await BeatsClient.connect(port, { ca: certs.ca, servername: 'localhost' })
          await c.write(H.windowOf([{ id: 'nocert' }]))
          await waitFor(() => c.closed || c.error, 10000, 'the server to refuse')
          refused = c.acks.length === 0
        } catch (e) {
          refused = true
        }
        assert(refused, 'refused')
        await waitFor(() => /TLS handshake failed/.test(lp.err.slice(before)), 5000, 'a log line')
        assert(!lp.raw.includes('nocert'), 'event not accepted')
      })
      await test('mutual TLS: a certificate from another CA is refused', async () => {
        let refused = false
        try {
          const c = await BeatsClient.connect(port, { ca: certs.ca, cert: certs.rogueCert, key: certs.rogueKey, servername: 'localhost' })
          await c.write(H.windowOf([{ id: 'rogue' }]))
          await waitFor(() => c.closed || c.error, 10000, 'the server to refuse')
          refused = c.acks.length === 0
        } catch (e) {
          refused = true
        }
        assert(refused && !lp.raw.includes('rogue'), 'refused')
      })
    } finally {
      await stopLogpipe(lp)
    }
  }
  {
    const port = await freePort()
    const lp = startLogpipe(bin, `input { beats { port => ${port} host => "127.0.0.1" ssl_enabled => true
      ssl_certificate => "${f('server.crt')}" ssl_key => "${f('server.key')}"
      ssl_certificate_authorities => ["${f('ca.crt')}"] ssl_client_authentication => "optional"
      enrich => all } }
      output { stdout { codec => rubydebug { metadata => true } } }`)
    try {
      await waitPort(port, 15000)
      await test('optional client authentication: with or without a certificate, not with a bad one', async () => {
        const anon = await BeatsClient.connect(port, { ca: certs.ca, servername: 'localhost' })
        await anon.write(H.windowOf([{ id: 'opt-anon' }]))
        await anon.waitAck(1)
        const known = await BeatsClient.connect(port, { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey, servername: 'localhost' })
        await known.write(H.windowOf([{ id: 'opt-cert' }]))
        await known.waitAck(1)
        await waitFor(() => lp.raw.includes('opt-anon') && lp.raw.includes('opt-cert'), 5000, 'both events')
        assert(/"status" => false/.test(lp.raw) && /"status" => true/.test(lp.raw), 'tls_peer status false then true')
        assert((lp.raw.match(/"subject" => /g) || []).length === 1, 'a subject only for the verified client')
        let refused = false
        try {
          const rogue = await BeatsClient.connect(port, { ca: certs.ca, cert: certs.rogueCert, key: certs.rogueKey, servername: 'localhost' })
          await rogue.write(H.windowOf([{ id: 'opt-rogue' }]))
          await waitFor(() => rogue.closed || rogue.error, 10000, 'the server to refuse')
          refused = rogue.acks.length === 0
        } catch (e) {
          refused = true
        }
        assert(refused && !lp.raw.includes('opt-rogue'), 'a certificate that does not verify is refused')
        anon.destroy()
        known.destroy()
      })
    } finally {
      await stopLogpipe(lp)
    }
  }
  await test('a wrong key passphrase is a configuration error', async () => {
    const port = await freePort()
    const lp = startLogpipe(bin, `input { beats { port => ${port} ssl_enabled => true ssl_certificate => "${f('server.crt')}"
      ssl_key => "${f('server.p8.key')}" ssl_key_passphrase => "wrong" } } output { stdout {} }`)
    await waitFor(() => lp.exited, 10000, 'logpipe to exit')
    assert(lp.code !== 0, 'non-zero exit')
    assert(/could not be read/.test(lp.err), 'explains the key: ' + lp.err)
    assert(!lp.err.includes('wrong"') && !/passphrase.*wrong/.test(lp.err.replace(/wrong passphrase/g, '')), 'passphrase not logged')
  })
}

async function timeoutSuite() {
  const certs = H.makeCerts(H.tmpdir('lp-beats-to-'))
  const port = await freePort()
  const tport = await freePort()
  const lp = startLogpipe(bin, `input {
      beats { port => ${port} host => "127.0.0.1" client_inactivity_timeout => 1 }
      beats { port => ${tport} host => "127.0.0.1" ssl_enabled => true ssl_handshake_timeout => 300
              ssl_certificate => "${certs.file('server.crt')}" ssl_key => "${certs.file('server.key')}" }
    } output { stdout { codec => json_lines } }`)
  try {
    await waitPort(port, 15000)
    await waitPort(tport, 15000)
    await test('client_inactivity_timeout closes an idle client, not one that is served', async () => {
      const idle = await BeatsClient.connect(port)
      const busy = await BeatsClient.connect(port)
      const t0 = Date.now()
      let n = 0
      while (!idle.closed) {
        await busy.write(H.windowOf([{ id: `busy-${n}` }]))
        await busy.waitAck(1)
        busy.acks = []
        n++
        if (Date.now() - t0 > 10000) throw new Error('the idle client was not closed')
      }
      assert(Date.now() - t0 >= 900, 'not before the timeout')
      assert(!busy.closed, 'the busy client stays')
      await waitFor(() => /client_inactivity_timeout/.test(lp.err), 5000, 'a log line')
      busy.destroy()
    })
    await test('ssl_handshake_timeout closes a connection that never starts its handshake', async () => {
      const c = await BeatsClient.connect(tport)
      const t0 = Date.now()
      await waitFor(() => c.closed, 10000, 'the server to close')
      assert(Date.now() - t0 >= 250, 'not before the timeout')
      await waitFor(() => /handshake timed out/.test(lp.err), 5000, 'a log line')
    })
  } finally {
    await stopLogpipe(lp)
  }
}

async function main() {
  await timeoutSuite()
  await plainSuite()
  await blockedOutputSuite()
  await tlsSuite()
  process.exit(H.report())
}

main().catch((e) => {
  console.error(e)
  console.log(`${H.results.passed} passed, ${H.results.failed + 1} failed`)
  process.exit(1)
})
