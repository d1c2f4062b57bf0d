"""A FAULT-INJECTION server: a fake Docker endpoint on a unix socket that
misbehaves on purpose, to test what a real engine won't do (truncated chunks,
stalls, resets, oversized headers, garbage). It is never used to stand in for
the engine's normal behaviour: the real engine tests do that.

Usage::

    with FaultServer(tmp_path) as fs:
        fs.mode = "truncated-chunk"
        c = clibdocker.APIClient(base_url=fs.url, version="1.41", timeout=2)
"""
from __future__ import annotations

import os
import socket
import threading
import time
from typing import Callable, Dict, Optional


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


OK_JSON = b'{"ID":"fault","NCPU":1}'


class FaultServer:
    """Serves one behaviour (``mode``) for every request; keeps serving until
    closed. Each connection is handled in its own thread."""

    def __init__(self, directory: "os.PathLike[str] | str") -> None:
        self.path = os.path.join(os.fspath(directory), "fault.sock")
        self.mode = "ok"
        self.requests: list = []
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(self.path)
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self._threads: list = []
        self._conns: list = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    def __enter__(self) -> "FaultServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for conn in self._conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in self._threads:
            t.join(5)
        self._sock.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self._conns.append(conn)
            t = threading.Thread(target=self._handle, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _read_head(self, conn: socket.socket) -> Optional[bytes]:
        buf = b""
        conn.settimeout(5)
        while b"\r\n\r\n" not in buf:
            try:
                d = conn.recv(65536)
            except OSError:
                return None
            if not d:
                return None
            buf += d
        return buf.split(b"\r\n\r\n", 1)[0]

    def _sleep(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def _handle(self, conn: socket.socket) -> None:
        try:
            while not self._stop.is_set():
                head = self._read_head(conn)
                if head is None:
                    return
                self.requests.append(head)
                handler: Callable[[socket.socket, bytes], bool] = getattr(
                    self, "_m_" + self.mode.replace("-", "_"))
                if not handler(conn, head):
                    return
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    # --- behaviours: return True to keep the connection for another request

    def _m_ok(self, conn: socket.socket, head: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(OK_JSON), OK_JSON))
        return True

    def _m_truncated_chunk(self, conn: socket.socket, head: bytes) -> bool:
        # a chunk announced as 0x100 bytes, then the connection closes early
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n100\r\n{\"ID\":\"trunc")
        return False

    def _m_truncated_events(self, conn: socket.socket, head: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n"
                     + _chunk(b'{"Type":"container","Action":"start"}\n')
                     + b"40\r\n{\"Type\":\"conta")
        return False

    def _m_bad_chunk_size(self, conn: socket.socket, head: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
        return False

    def _m_stall_headers(self, conn: socket.socket, head: bytes) -> bool:
        self._sleep(30)
        return False

    def _m_stall_body(self, conn: socket.socket, head: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"ID\":")
        self._sleep(30)
        return False

    def _m_stall_stream(self, conn: socket.socket, head: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n"
                     + _chunk(b'{"Type":"container","Action":"start"}\n'))
        self._sleep(30)
        return False

    def _m_reset_stream(self, conn: socket.socket, head: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n"
                     + _chunk(b'{"Type":"container","Action":"start"}\n'))
        time.sleep(0.05)
        # an abortive close: RST instead of FIN where the platform allows
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        return False

    def _m_huge_json_message(self, conn: socket.socket, head: bytes) -> bool:
        # one JSON message of 100 MB with no end: the client must give up at
        # its bound, not buffer it all
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + _chunk(b'{"x":"'))
        piece = _chunk(b"a" * (1 << 20))
        try:
            for _ in range(100):
                if self._stop.is_set():
                    break
                conn.sendall(piece)
        except OSError:
            pass
        return False

    def _m_huge_header(self, conn: socket.socket, head: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Big: " + b"b" * (1 << 20) + b"\r\n"
                     b"Content-Length: 2\r\n\r\n{}")
        return False

    def _m_invalid_utf8(self, conn: socket.socket, head: bytes) -> bool:
        body = b'{"ID":"\xff\xfe\xfd"}'
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        return True

    def _m_not_json(self, conn: socket.socket, head: bytes) -> bool:
        body = b"<html>proxy error</html>"
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        return True

    def _m_http10_no_length(self, conn: socket.socket, head: bytes) -> bool:
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + OK_JSON)
        return False

    def _m_garbage_status(self, conn: socket.socket, head: bytes) -> bool:
        conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
        return False

    def _m_close_immediately(self, conn: socket.socket, head: bytes) -> bool:
        return False

    def _m_error_not_json(self, conn: socket.socket, head: bytes) -> bool:
        body = b"page not found\n"
        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        return True

    def _m_garbage_between_events(self, conn: socket.socket, head: bytes) -> bool:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n"
                     + _chunk(b'{"Type":"container"}\nNOT JSON\n') + b"0\r\n\r\n")
        return True


    # --- multiplexed log frames and hijacked connections ----------------------

    _RAW = (b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")

    def _m_bad_frame_header(self, conn: socket.socket, head: bytes) -> bool:
        good = b"\x01\x00\x00\x00\x00\x00\x00\x03ok\n"
        bad = b"\x07\x00\x00\x00\x00\x00\x00\x03bad"
        conn.sendall(self._RAW + _chunk(good + bad) + b"0\r\n\r\n")
        return True

    def _m_huge_frame(self, conn: socket.socket, head: bytes) -> bool:
        # a frame that announces 2^32-1 bytes, then 8 MB of it and a clean end
        conn.sendall(self._RAW + _chunk(b"\x01\x00\x00\x00\xff\xff\xff\xff"))
        piece = _chunk(b"z" * (1 << 20))
        for _ in range(8):
            conn.sendall(piece)
        conn.sendall(b"0\r\n\r\n")
        return True

    def _m_upgrade_silent(self, conn: socket.socket, head: bytes) -> bool:
        # agrees to the upgrade, then never sends a byte
        conn.sendall(b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream"
                     b"\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
        self._sleep(30)
        return False

    # --- WebSocket attach (GET /containers/{id}/attach/ws) -------------------

    @staticmethod
    def _ws_accept(head: bytes, wrong: bool = False) -> bytes:
        import base64
        import hashlib
        key = b""
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"sec-websocket-key":
                key = value.strip()
        if wrong:
            key += b"x"
        digest = hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest()
        return base64.b64encode(digest)

    def _ws_upgrade(self, conn: socket.socket, head: bytes, wrong: bool = False) -> None:
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     b"Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n"
                     % self._ws_accept(head, wrong))

    def _m_ws_bad_accept(self, conn: socket.socket, head: bytes) -> bool:
        # switches, but with an accept value for another key
        self._ws_upgrade(conn, head, wrong=True)
        conn.sendall(b"\x82\x02hi")
        self._sleep(5)
        return False

    def _m_ws_no_upgrade(self, conn: socket.socket, head: bytes) -> bool:
        # answers 200 with a body instead of switching protocols
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(OK_JSON), OK_JSON))
        return True

    def _m_ws_truncated_frame(self, conn: socket.socket, head: bytes) -> bool:
        # a whole frame, then one announcing 100 bytes that ends after 10
        self._ws_upgrade(conn, head)
        conn.sendall(b"\x82\x03ok\n" + b"\x82\x64" + b"z" * 10)
        return False

    def _m_ws_oversized_frame(self, conn: socket.socket, head: bytes) -> bool:
        # a frame announcing 2^40 bytes, then a stream of them
        self._ws_upgrade(conn, head)
        conn.sendall(b"\x82\x7f\x00\x00\x01\x00\x00\x00\x00\x00")
        piece = b"z" * (1 << 20)
        try:
            for _ in range(64):
                conn.sendall(piece)
        except OSError:
            pass
        return False

    def _m_ws_masked_frame(self, conn: socket.socket, head: bytes) -> bool:
        # a server frame with the mask bit (only clients mask)
        self._ws_upgrade(conn, head)
        conn.sendall(b"\x82\x82\x01\x02\x03\x04ab")
        self._sleep(5)
        return False

    def _m_ws_close_error(self, conn: socket.socket, head: bytes) -> bool:
        # output, then a close frame with 1011 (internal error) and a reason
        self._ws_upgrade(conn, head)
        conn.sendall(b"\x82\x03ok\n\x88\x06\x03\xf3boom")
        self._sleep(5)
        return False

    def _m_ws_ping(self, conn: socket.socket, head: bytes) -> bool:
        # a ping; the client's next frame must be the pong (masked, same
        # payload): then "pong ok" and a normal close, else "no pong"
        self._ws_upgrade(conn, head)
        conn.sendall(b"\x89\x04p1p2")
        buf = b""
        conn.settimeout(5)
        try:
            while len(buf) < 10:
                d = conn.recv(64)
                if not d:
                    break
                buf += d
        except OSError:
            pass
        ok = (len(buf) >= 10 and buf[0] == 0x8A and buf[1] == 0x84 and
              bytes(b ^ buf[2 + i % 4] for i, b in enumerate(buf[6:10])) == b"p1p2")
        msg = b"pong ok" if ok else b"no pong"
        conn.sendall(b"\x82" + bytes([len(msg)]) + msg + b"\x88\x02\x03\xe8")
        self._sleep(1)
        return False


MODES: Dict[str, str] = {name[3:].replace("_", "-"): (getattr(FaultServer, name).__doc__ or "")
                         for name in dir(FaultServer) if name.startswith("_m_")}
