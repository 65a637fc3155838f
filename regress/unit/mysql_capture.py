#!/usr/bin/python3
# Captures MySQL connection-phase packets for the unit tests' fixtures.
# Every packet is printed as "S" (server) or "C" (client), its sequence
# id, its length and its payload in hex.
#
#   mysql_capture.py fake PORT [ssl]
#       Greet like the gateway (mysql_native_password, scramble
#       "abcdefghijklmnopqrst", CLIENT_SSL with "ssl"), print the
#       client's reply, switch it to mysql_clear_password, print that
#       reply, refuse it.  With "ssl" stop after the SSLRequest.
#   mysql_capture.py proxy PORT SERVER_PORT
#       Relay one connection to a server on 127.0.0.1, printing both
#       directions.  The client must not use TLS.
#
# Point a client at 127.0.0.1:PORT, for example
#   mariadb --no-defaults -h127.0.0.1 -PPORT -u shop/agent -pTOKEN \
#       --skip-ssl shop
import socket
import struct
import sys
import threading

SCRAMBLE = b"abcdefghijklmnopqrst"
CAPS = (0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x10000 |
        0x20000 | 0x40000 | 0x80000 | 0x100000 | 0x200000 | 0x1000000)
CLIENT_SSL = 0x800


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


def write_packet(s, seq, body):
    s.sendall(struct.pack("<I", len(body))[:3] + bytes([seq]) + body)


def show(tag, seq, body):
    print("%s seq=%d len=%d %s" % (tag, seq, len(body), body.hex()),
          flush=True)


def listen(port):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(1)
    print("listening", flush=True)
    s, _ = ls.accept()
    ls.close()
    return s


def fake(port, ssl):
    s = listen(port)
    caps = CAPS | (CLIENT_SSL if ssl else 0)
    greeting = (b"\x0a" + b"8.0.0-gatewayd\0" + struct.pack("<I", 7) +
                SCRAMBLE[:8] + b"\0" +
                struct.pack("<HBHH", caps & 0xffff, 45, 2, caps >> 16) +
                bytes([len(SCRAMBLE) + 1]) + b"\0" * 10 + SCRAMBLE[8:] +
                b"\0" + b"mysql_native_password\0")
    show("S", 0, greeting)
    write_packet(s, 0, greeting)
    seq, body = read_packet(s)
    if body is None:
        return
    show("C", seq, body)
    if ssl:
        s.close()
        return
    switch = b"\xfe" + b"mysql_clear_password\0"
    show("S", seq + 1, switch)
    write_packet(s, seq + 1, switch)
    seq, body = read_packet(s)
    if body is None:
        return
    show("C", seq, body)
    write_packet(s, seq + 1, b"\xff" + struct.pack("<H", 1045) +
                 b"#28000" + b"capture done")
    s.close()


def pump(src, dst, tag):
    while True:
        try:
            seq, body = read_packet(src)
        except OSError:
            body = None
        if body is None:
            dst.close()
            return
        show(tag, seq, body)
        write_packet(dst, seq, body)


def proxy(port, server_port):
    c = listen(port)
    s = socket.create_connection(("127.0.0.1", server_port))
    t = threading.Thread(target=pump, args=(s, c, "S"))
    t.start()
    pump(c, s, "C")
    t.join()


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "fake":
        fake(int(sys.argv[2]), sys.argv[3:] == ["ssl"])
    elif len(sys.argv) == 4 and sys.argv[1] == "proxy":
        proxy(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit("usage: mysql_capture.py fake PORT [ssl] | "
                 "proxy PORT SERVER_PORT")


if __name__ == "__main__":
    main()
