'use strict'
// Sends a file of JSON lines (Filebeat events) to a Beats input as
// Lumberjack v2 windows, the way Filebeat does: each connection sends one
// window (compressed JSON frames, sequence 1..n), waits for the ACK of its
// last event, then sends the next. The lines are dealt to CONNECTIONS
// connections in turn.
//
//   node beats_send.js PORT FILE [--window N] [--connections C] [--timeout S] [--go-on-stdin]
//
// With --go-on-stdin, the connections are opened first, {"ready": C} is
// reported, and sending starts when a line arrives on stdin (so that the
// caller can time what happens from the first window on).
// Reports on stdout, one JSON object per line, as things happen:
//   {"connected": c}
//   {"sent": c, "window": w, "events": n}
//   {"acked": c, "window": w, "events": n}   the window's last sequence ACKed
//   {"done": true, "windows": W, "events": E, "keepalives": K}
// Exits 0 once every window is acknowledged; 1 (with {"error": ...}) when
// the connection fails or the deadline passes first.
const fs = require('fs')
const path = require('path')
const { BeatsClient, waitFor, windowFrame, jsonFrame, compressedFrame } =
  require(path.join(__dirname, '..', 'beats', 'harness.js'))

function emit(obj) { process.stdout.write(JSON.stringify(obj) + '\n') }

function option(name, dflt) {
  const i = process.argv.indexOf(name)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}

// Sends the windows of one connection in order; resolves with the
// keep-alive count.
async function sendAll(client, conn, lines, windowSize, deadline) {
  let cursor = 0 // ACKs before it belong to earlier windows
  let w = 0
  try {
    for (let i = 0; i < lines.length; i += windowSize, w++) {
      const batch = lines.slice(i, i + windowSize)
      const frames = Buffer.concat(batch.map((l, k) => jsonFrame(k + 1, l)))
      await client.write(Buffer.concat([windowFrame(batch.length), compressedFrame(frames)]))
      emit({ sent: conn, window: w, events: batch.length })
      await waitFor(() => {
        if (client.error) throw client.error
        for (; cursor < client.acks.length; cursor++) {
          if (client.acks[cursor] === batch.length) { cursor++; return true }
        }
        if (client.closed) throw new Error(`connection ${conn} closed before window ${w} was acknowledged`)
        return false
      }, deadline - Date.now(), `the ACK of window ${w} on connection ${conn}`)
      emit({ acked: conn, window: w, events: batch.length })
    }
  } finally {
    client.destroy()
  }
  return { windows: w, keepalives: client.keepalives }
}

const port = Number(process.argv[2])
const file = process.argv[3]
if (!port || !file) {
  console.error('usage: node beats_send.js PORT FILE [--window N] [--connections C] [--timeout S] [--go-on-stdin]')
  process.exit(2)
}
const goOnStdin = process.argv.includes('--go-on-stdin')
const windowSize = option('--window', 100)
const connections = option('--connections', 1)
const deadline = Date.now() + option('--timeout', 120) * 1000
const all = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '')
const perConn = Array.from({ length: connections }, () => [])
all.forEach((l, i) => perConn[i % connections].push(l))

function go() {
  if (!goOnStdin) return Promise.resolve()
  emit({ ready: connections })
  return new Promise((resolve) => process.stdin.once('data', () => resolve()))
}

Promise.all(perConn.map((lines, c) => BeatsClient.connect(port).then((client) => {
  emit({ connected: c })
  return client
})))
  .then((clients) => go().then(() => clients))
  .then((clients) => Promise.all(perConn.map((lines, c) => sendAll(clients[c], c, lines, windowSize, deadline))))
  .then((res) => {
    emit({
      done: true,
      windows: res.reduce((a, r) => a + r.windows, 0),
      events: all.length,
      keepalives: res.reduce((a, r) => a + r.keepalives, 0),
    })
    process.exit(0)
  })
  .catch((e) => {
    emit({ error: String(e && e.message ? e.message : e) })
    process.exit(1)
  })
