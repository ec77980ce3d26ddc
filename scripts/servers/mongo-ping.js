#!/usr/bin/env node
// Readiness probe for scripts/servers/mongo.sh using only Node built-ins (no npm packages).
// Sends OP_MSG `hello` and then `ping` to admin; exits 0 only if both reply ok: 1.
//   node mongo-ping.js [host] [port] [timeoutMs]
'use strict';
const net = require('node:net');

const host = process.argv[2] || '127.0.0.1';
const port = Number(process.argv[3] || 27018);
const timeoutMs = Number(process.argv[4] || 3000);

function cstring(s) {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

// Minimal BSON encoder for { <cmd>: 1, $db: <db> }.
function commandDoc(cmd, db) {
  const one = Buffer.alloc(4);
  one.writeInt32LE(1);
  const dbBytes = cstring(db);
  const dbLen = Buffer.alloc(4);
  dbLen.writeInt32LE(dbBytes.length);
  const body = Buffer.concat([
    Buffer.from([0x10]),
    cstring(cmd),
    one,
    Buffer.from([0x02]),
    cstring('$db'),
    dbLen,
    dbBytes,
    Buffer.from([0x00]),
  ]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(body.length + 4);
  return Buffer.concat([size, body]);
}

function opMsg(requestId, doc) {
  const header = Buffer.alloc(16);
  const flags = Buffer.alloc(4); // flagBits = 0
  const len = 16 + 4 + 1 + doc.length;
  header.writeInt32LE(len, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(2013, 12); // OP_MSG
  return Buffer.concat([header, flags, Buffer.from([0]), doc]);
}

// Minimal BSON decoder for the top-level fields we care about (ok, errmsg, version info).
function decodeTop(buf, start) {
  const size = buf.readInt32LE(start);
  const end = start + size - 1;
  let i = start + 4;
  const out = {};
  while (i < end) {
    const type = buf[i++];
    const nameEnd = buf.indexOf(0, i);
    const name = buf.toString('utf8', i, nameEnd);
    i = nameEnd + 1;
    switch (type) {
      case 0x01:
        out[name] = buf.readDoubleLE(i);
        i += 8;
        break;
      case 0x02:
      case 0x0d:
      case 0x0e: {
        const l = buf.readInt32LE(i);
        out[name] = buf.toString('utf8', i + 4, i + 4 + l - 1);
        i += 4 + l;
        break;
      }
      case 0x03:
      case 0x04: {
        const l = buf.readInt32LE(i);
        i += l;
        break;
      }
      case 0x05: {
        const l = buf.readInt32LE(i);
        i += 4 + 1 + l;
        break;
      }
      case 0x06:
      case 0x0a:
      case 0x7f:
      case 0xff:
        break;
      case 0x07:
        i += 12;
        break;
      case 0x08:
        out[name] = buf[i] === 1;
        i += 1;
        break;
      case 0x09:
      case 0x11:
      case 0x12:
        i += 8;
        break;
      case 0x10:
        out[name] = buf.readInt32LE(i);
        i += 4;
        break;
      case 0x13:
        i += 16;
        break;
      default:
        throw new Error(`unsupported BSON type 0x${type.toString(16)} in reply`);
    }
  }
  return out;
}

function send(cmd, requestId) {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection({ host, port });
    let chunks = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`${cmd}: timeout after ${timeoutMs}ms`));
    }, timeoutMs);
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('connect', () => sock.write(opMsg(requestId, commandDoc(cmd, 'admin'))));
    sock.on('data', (d) => {
      chunks = Buffer.concat([chunks, d]);
      if (chunks.length < 4 || chunks.length < chunks.readInt32LE(0)) return;
      clearTimeout(timer);
      sock.end();
      try {
        const opCode = chunks.readInt32LE(12);
        if (opCode !== 2013) throw new Error(`${cmd}: unexpected opCode ${opCode}`);
        if (chunks[20] !== 0) throw new Error(`${cmd}: unexpected section kind ${chunks[20]}`);
        resolve(decodeTop(chunks, 21));
      } catch (e) {
        reject(e);
      }
    });
  });
}

(async () => {
  try {
    const hello = await send('hello', 1);
    if (hello.ok !== 1) throw new Error(`hello not ok: ${JSON.stringify(hello)}`);
    const ping = await send('ping', 2);
    if (ping.ok !== 1) throw new Error(`ping not ok: ${JSON.stringify(ping)}`);
    console.log(`mongo ready at ${host}:${port}` + (hello.isWritablePrimary ? ' (writable primary)' : ''));
  } catch (e) {
    console.error(`mongo not ready at ${host}:${port}: ${e.message}`);
    process.exit(1);
  }
})();
