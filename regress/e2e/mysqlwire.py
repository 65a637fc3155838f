#!/usr/bin/python3
# A raw MySQL-wire probe for the end-to-end tests: it speaks just enough
# of the protocol to read a greeting and provoke the gateway's answers,
# without a client library that would hide what came back.
#
#   mysqlwire.py HOST PORT greet [HOLD]   print the greeting, hold open
#   mysqlwire.py HOST PORT plain          plaintext login attempt
#   mysqlwire.py HOST PORT ssl            send an SSLRequest
#   mysqlwire.py HOST PORT silent         read the greeting, send nothing
#   mysqlwire.py HOST PORT line TEXT...   send lines, print lines back
#   mysqlwire.py HOST PORT cmd CA USER TOKEN HEX...
#                                         log in over TLS with the token,
#                                         then send each HEX as a command
#                                         packet and print the answer
#
# Prints "greeting VERSION caps=0x..", "err CODE MESSAGE", "eof" or the
# lines received.  Exits 0 unless the connection itself failed.
import socket
import ssl
import struct
import sys
import time


def read_packet(s):
    hdr = b""
    while len(hdr) < 4:
        chunk = s.recv(4 - len(hdr))
        if not chunk:
            return None, None
        hdr += chunk
    n = hdr[0] | hdr[1] << 8 | hdr[2] << 16
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            return None, None
        body += chunk
    return hdr[3], body


def show(seq, body):
    if body is None:
        print("eof")
    elif body[:1] == b"\xff":
        code = struct.unpack("<H", body[1:3])[0]
        msg = body[9:] if body[3:4] == b"#" else body[3:]
        print("err %d %s" % (code, msg.decode("utf-8", "replace")))
    elif body[:1] == b"\x0a":
        end = body.index(b"\0", 1)
        version = body[1:end].decode()
        p = end + 1 + 4 + 8 + 1
        caps = struct.unpack("<H", body[p:p + 2])[0]
        caps |= struct.unpack("<H", body[p + 5:p + 7])[0] << 16
        print("greeting %s caps=0x%08x" % (version, caps))
    elif body[:1] == b"\x00":
        print("ok")
    else:
        print("packet seq=%d len=%d" % (seq, len(body)))


def send_packet(s, seq, payload):
    s.sendall(struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload)


def tls_login(s, ca, user, token):
    # Greeting, SSLRequest, TLS, login; the server switches us to the
    # cleartext plugin and we answer with the token.
    seq, body = read_packet(s)
    if body is None or body[:1] != b"\x0a":
        show(seq, body)
        return None
    caps = 0x0200 | 0x8000 | 0x80000 | 0x200000 | 0x800 | 0x2000 | 0x20000
    send_packet(s, 1, struct.pack("<IIB23x", caps, 1 << 24, 45))
    ctx = ssl.create_default_context(cafile=ca)
    t = ctx.wrap_socket(s, server_hostname="127.0.0.1")
    login = struct.pack("<IIB23x", caps, 1 << 24, 45)
    login += user.encode() + b"\0" + b"\x00" + b"mysql_native_password\0"
    send_packet(t, 2, login)
    seq, body = read_packet(t)
    if body is not None and body[:1] == b"\xfe":
        send_packet(t, seq + 1, token.encode() + b"\0")
        seq, body = read_packet(t)
    show(seq, body)
    return t if body is not None and body[:1] == b"\x00" else None


def main():
    host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    s = socket.create_connection((host, port), timeout=30)
    if mode == "cmd":
        t = tls_login(s, sys.argv[4], sys.argv[5], sys.argv[6])
        if t is None:
            return
        for h in sys.argv[7:]:
            send_packet(t, 0, bytes.fromhex(h))
            seq, body = read_packet(t)
            show(seq, body)
            if body is None:
                break
        return
    if mode == "line":
        for text in sys.argv[4:]:
            s.sendall(text.encode() + b"\n")
            data = s.recv(4096)
            print(data.decode(errors="replace").strip() if data else "eof")
            if not data:
                break
        return
    seq, body = read_packet(s)
    show(seq, body)
    if body is None or body[:1] == b"\xff":
        return
    if mode == "greet":
        time.sleep(float(sys.argv[4]) if len(sys.argv) > 4 else 0)
        return
    if mode == "silent":
        seq, body = read_packet(s)
        show(seq, body)
        return
    caps = 0x0200 | 0x8000 | 0x80000 | 0x200000
    if mode == "ssl":
        pkt = struct.pack("<IIB23x", caps | 0x800, 1 << 24, 45)
    else:
        pkt = struct.pack("<IIB23x", caps, 1 << 24, 45)
        pkt += b"shop\0" + b"\x00" + b"mysql_native_password\0"
    s.sendall(struct.pack("<I", len(pkt))[:3] + b"\x01" + pkt)
    seq, body = read_packet(s)
    show(seq, body)


if __name__ == "__main__":
    main()
