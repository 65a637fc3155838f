#!/usr/bin/python3
# Copyright (c) 2026 The gatewayd authors
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.

# A MySQL 8 server for one plaintext login, played from a script, since
# MariaDB has no caching_sha2_password.  It computes what the client
# must send with hashlib, apart from gatewayd's C code, and answers one
# COM_QUERY with a canned one-column result set.
#
# usage: fake_mysql8.py MODE PASSWORD PORTFILE [KEY.pem]
#   MODE fast    greeting names caching_sha2_password; fast auth works
#        rsa     the same, then full authentication under KEY.pem
#        switch  greeting names mysql_native_password; the server then
#                switches to caching_sha2_password and does full auth
# It listens on 127.0.0.1 on a free port, writes the port to PORTFILE,
# serves one connection, and exits 0 if the client did everything right.

import hashlib
import os
import socket
import struct
import subprocess
import sys
import tempfile

NATIVE = b"mysql_native_password"
SHA2 = b"caching_sha2_password"
CAPS = (0x1 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x80000 | 0x10000 |
        0x20000 | 0x200000)


def fail(why):
    sys.stderr.write("fake_mysql8: %s\n" % why)
    sys.exit(1)


class Conn:
    def __init__(self, sock):
        self.s = sock
        self.seq = 0

    def recv(self):
        h = self.readn(4)
        n = h[0] | h[1] << 8 | h[2] << 16
        if h[3] != self.seq:
            fail("client sequence %d, wanted %d" % (h[3], self.seq))
        self.seq = (self.seq + 1) & 0xff
        return self.readn(n)

    def readn(self, n):
        b = b""
        while len(b) < n:
            c = self.s.recv(n - len(b))
            if not c:
                fail("client closed the connection")
            b += c
        return b

    def send(self, payload):
        n = len(payload)
        self.s.sendall(bytes([n & 0xff, n >> 8 & 0xff, n >> 16 & 0xff,
                              self.seq]) + payload)
        self.seq = (self.seq + 1) & 0xff


def sha2_scramble(pw, nonce):
    a = hashlib.sha256(pw).digest()
    b = hashlib.sha256(a).digest()
    c = hashlib.sha256(b + nonce).digest()
    return bytes(x ^ y for x, y in zip(a, c))


def native_scramble(pw, nonce):
    a = hashlib.sha1(pw).digest()
    b = hashlib.sha1(a).digest()
    c = hashlib.sha1(nonce + b).digest()
    return bytes(x ^ y for x, y in zip(a, c))


def greeting(nonce, plugin):
    return (b"\x0a" + b"8.0.36-fake\x00" + struct.pack("<I", 7) +
            nonce[:8] + b"\x00" + struct.pack("<H", CAPS & 0xffff) +
            b"\xff" + struct.pack("<H", 2) + struct.pack("<H", CAPS >> 16) +
            bytes([21]) + b"\x00" * 10 + nonce[8:] + b"\x00" + plugin +
            b"\x00")


def lenenc(p, i):
    v = p[i]
    if v < 0xfb:
        return v, i + 1
    if v == 0xfc:
        return p[i + 1] | p[i + 2] << 8, i + 3
    fail("unexpected length-encoded integer")


def parse_login(p):
    caps, = struct.unpack_from("<I", p, 0)
    i = 32
    j = p.index(b"\x00", i)
    user = p[i:j]
    i = j + 1
    if caps & 0x200000:
        n, i = lenenc(p, i)
    else:
        n = p[i]
        i += 1
    auth = p[i:i + n]
    i += n
    if caps & 0x8:
        i = p.index(b"\x00", i) + 1
    plugin = b""
    if caps & 0x80000:
        plugin = p[i:p.index(b"\x00", i)]
    return user, auth, plugin


def ok():
    return b"\x00\x00\x00\x02\x00\x00\x00"


def err(msg):
    return b"\xff" + struct.pack("<H", 1045) + b"#28000" + msg.encode()


def full_auth(c, pw, nonce, key):
    c.send(b"\x01\x04")
    p = c.recv()
    if p != b"\x02":
        fail("full auth without TLS: wanted a key request, got %r" % p[:4])
    pub = subprocess.run(["openssl", "pkey", "-in", key, "-pubout"],
                         check=True, capture_output=True).stdout
    c.send(b"\x01" + pub)
    ct = c.recv()
    with tempfile.NamedTemporaryFile() as f:
        f.write(ct)
        f.flush()
        plain = subprocess.run(
            ["openssl", "pkeyutl", "-decrypt", "-inkey", key, "-in", f.name,
             "-pkeyopt", "rsa_padding_mode:oaep"],
            check=True, capture_output=True).stdout
    got = bytes(x ^ nonce[i % 20] for i, x in enumerate(plain))
    if got != pw + b"\x00":
        c.send(err("wrong password in full authentication"))
        fail("full auth: the decrypted password does not match")


def result_set(c):
    p = c.recv()
    if p != b"\x03SELECT 1":
        fail("wanted COM_QUERY SELECT 1, got %r" % p[:32])
    c.send(b"\x01")
    c.send(b"\x03def\x00\x00\x00\x011\x00\x0c\x3f\x00\x01\x00\x00\x00"
           b"\x08\x81\x00\x00\x00\x00")
    c.send(b"\xfe\x00\x00\x02\x00")
    c.send(b"\x011")
    c.send(b"\xfe\x00\x00\x02\x00")


def main():
    if len(sys.argv) < 4:
        fail("usage: fake_mysql8.py MODE PASSWORD PORTFILE [KEY.pem]")
    mode, pw, portfile = sys.argv[1], sys.argv[2].encode(), sys.argv[3]
    key = sys.argv[4] if len(sys.argv) > 4 else None
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    ls.settimeout(20)
    s, _ = ls.accept()
    s.settimeout(20)
    c = Conn(s)

    # Nonces without NUL bytes, as servers make them.
    nonce = bytes(0x21 + b % 90 for b in os.urandom(20))
    c.send(greeting(nonce, NATIVE if mode == "switch" else SHA2))
    user, auth, plugin = parse_login(c.recv())
    if mode == "switch":
        if plugin != NATIVE or auth != native_scramble(pw, nonce):
            c.send(err("bad native scramble"))
            fail("native login: plugin %r or scramble wrong" % plugin)
        nonce = bytes(0x21 + b % 90 for b in os.urandom(20))
        c.send(b"\xfe" + SHA2 + b"\x00" + nonce + b"\x00")
        auth = c.recv()
    elif plugin != SHA2:
        fail("login names plugin %r" % plugin)
    if auth != sha2_scramble(pw, nonce):
        c.send(err("bad caching_sha2 scramble"))
        fail("caching_sha2 scramble does not match")
    if mode == "fast":
        c.send(b"\x01\x03")
    else:
        full_auth(c, pw, nonce, key)
    c.send(ok())
    c.seq = 0
    result_set(c)
    sys.stderr.write("fake_mysql8: %s login by %s done\n" %
                     (mode, user.decode()))


main()
