/* Opening hijacked connections (internal). */
#ifndef DK_HIJACK_INT_H
#define DK_HIJACK_INT_H

#include "clibdocker/container_io.h"
#include "client_int.h"

/* Send the call built with dk__call_begin() (JSON body optional) with
 * `Connection: Upgrade` / `Upgrade: tcp` on a connection of its own, read
 * the answer's head and hand the connection over. `kind` is DK_STREAM_MUX or
 * DK_STREAM_RAW, optionally | DK__STREAM_AUTO. Takes over `k` (traced and
 * freed here). An error status is returned with the daemon's message. */
int dk__hijack_open(dk_hijack **out, dk_call *k, int kind);

/* The same for a GET built with dk__call_begin() that upgrades to WebSocket
 * (RFC 6455: a random Sec-WebSocket-Key, the answer's Sec-WebSocket-Accept
 * checked). The connection then carries frames: dk_hijack_write() sends
 * masked binary frames, dk_hijack_close_write() a close frame, reads return
 * the payload of the engine's frames (kind DK_STREAM_RAW), pings are
 * answered, and the engine's close frame is the clean end. */
int dk__hijack_open_ws(dk_hijack **out, dk_call *k);

/* The same with `Upgrade: <upgrade>` (e.g. "h2c" for POST /session) and
 * `headers` ("Name: value\r\n" lines, or NULL) added; anything but a 101
 * answer is an error. The connection is then raw bytes both ways (the
 * bytes that came after the head are read first). */
int dk__hijack_open_upgrade(dk_hijack **out, dk_call *k, const char *upgrade, const char *headers);

/* dk_hijack_read() waiting at most `ms` for data (DK_ETIMEOUT when none
 * came), or with `ms` 0 as long as it takes, whatever the client's stream
 * idle timeout. For the one thread that reads the connection. */
int dk__hijack_read_timeout(dk_hijack *h, void *buf, size_t cap, size_t *got, long ms);

#endif
