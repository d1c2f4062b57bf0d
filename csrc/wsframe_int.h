/* A sans-I/O WebSocket client codec (internal; RFC 6455), for the engine's
 * WebSocket attach (GET /containers/{id}/attach/ws).
 *
 * The parser takes the server's bytes as they arrive, split anywhere, and
 * reports one event at a time: payload bytes (streamed as they come, never
 * a whole message buffered; pointers into the input), a ping or pong
 * (payload kept, at most 125 bytes), or the close frame. It enforces the
 * rules for a client: server frames are unmasked, no reserved bits (no
 * extension is negotiated), known opcodes only, control frames final and
 * at most 125 bytes, continuation only inside a fragmented message, a new
 * message only after the last one ended, a minimal 64-bit length with the
 * top bit clear, a frame no longer than the cap, and nothing after close.
 * Errors are DK_EPROTO, sticky, with a message.
 *
 * The builder makes client frames: masked, with the length in the shortest
 * form. */
#ifndef DK_WSFRAME_INT_H
#define DK_WSFRAME_INT_H

#include <stddef.h>
#include <stdint.h>

#define DK_WS_CONT 0x0
#define DK_WS_TEXT 0x1
#define DK_WS_BINARY 0x2
#define DK_WS_CLOSE 0x8
#define DK_WS_PING 0x9
#define DK_WS_PONG 0xA

#define DK_WS_MAX_FRAME ((uint64_t)16 << 20) /* default cap of one frame's payload */
#define DK_WS_HEADER_MAX 14                  /* client frame header: 2 + 8 + 4 (mask) */

enum {
	DK_WS_EV_DATA = 1,  /* ev.data/ev.len: payload bytes of a text/binary message */
	DK_WS_EV_PING,      /* ev.data/ev.len: the ping's payload (reply with a pong) */
	DK_WS_EV_PONG,
	DK_WS_EV_CLOSE      /* ev.code (1005 if none) and ev.data/ev.len: the reason */
};

typedef struct dk_ws_event {
	int type;
	int opcode;          /* DATA: DK_WS_TEXT or DK_WS_BINARY (the message's) */
	int fin;             /* DATA: these are the message's last bytes */
	const unsigned char *data;
	size_t len;
	int code;            /* CLOSE */
} dk_ws_event;

typedef struct dk_ws_parser {
	uint64_t max_frame;
	unsigned char hdr[DK_WS_HEADER_MAX];
	size_t hlen;          /* header bytes gathered */
	int in_payload;       /* header done: `left` payload bytes follow */
	uint64_t left;
	int opcode, fin;
	int msg_opcode;       /* the fragmented message in progress, or 0 */
	int data_opcode;      /* the current data frame's message opcode */
	unsigned char ctl[125];
	size_t ctl_len;
	int closed;           /* a close frame was seen */
	int error;            /* sticky <0 */
} dk_ws_parser;

void dk_ws_parser_init(dk_ws_parser *p, uint64_t max_frame);

/* Parse from `in` (len bytes). Returns 1 with an event in *ev, having used
 * *used bytes (DATA at most `max_data` bytes, > 0); 0 when all the input
 * was used without completing an event; <0 (DK_EPROTO) on bad input,
 * recorded as the thread's last error. After a close event every further
 * byte is an error. */
int dk_ws_parse(dk_ws_parser *p, const unsigned char *in, size_t len, size_t max_data,
	size_t *used, dk_ws_event *ev);

/* Whether the parser is inside a frame (a connection that ends here was
 * cut short). */
int dk_ws_parser_mid_frame(const dk_ws_parser *p);

/* Write a client frame header (FIN set) for `len` payload bytes with the
 * masking key `mask` into out; returns its size. */
size_t dk_ws_frame_header(unsigned char out[DK_WS_HEADER_MAX], int opcode, uint64_t len,
	const unsigned char mask[4]);

/* XOR `n` bytes with the masking key, starting at payload offset `off`. */
void dk_ws_mask(unsigned char *buf, size_t n, const unsigned char mask[4], uint64_t off);

/* The Sec-WebSocket-Accept value expected for `key` (NUL-terminated base64
 * of the SHA-1 of key + the RFC's GUID) into out[29]. */
void dk_ws_accept(const char *key, char out[29]);

/* Standard base64 (with padding) of n bytes into out (4 * ceil(n/3) + 1). */
void dk_ws_base64(const unsigned char *in, size_t n, char *out);

#endif
