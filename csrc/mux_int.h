/* Sans-I/O parser of Docker's multiplexed stdio frames (internal).
 *
 * The engine frames a non-TTY container's stdout and stderr (logs, attach,
 * exec) as: 1 byte stream id (0 stdin, 1 stdout, 2 stderr, 3 the engine's
 * own error), 3 zero bytes, a 4-byte big-endian payload length, then the
 * payload. Feed bytes as they arrive, split anywhere; take payload pieces
 * with their stream id. A frame up to `max_piece` bytes comes out whole; a
 * larger one comes out in pieces as its bytes arrive, so memory is bounded
 * by what the caller feeds, never by a frame's declared size. */
#ifndef DK_MUX_INT_H
#define DK_MUX_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf_int.h"

#define DK_MUX_HEADER 8
#define DK_MUX_STDIN 0
#define DK_MUX_STDOUT 1
#define DK_MUX_STDERR 2
#define DK_MUX_SYSERR 3

typedef struct dk_mux {
	dkbuf buf;         /* fed bytes; [pos, buf.len) not parsed yet */
	size_t pos;
	size_t max_piece;  /* frames up to this size come out whole */
	int in_frame;      /* inside a frame's payload */
	int piecewise;     /* the current frame is handed out as it arrives */
	int stream;        /* the current frame's stream id */
	uint32_t left;     /* payload bytes of the current frame not given yet */
	int error;         /* sticky error code */
} dk_mux;

void dk_mux_init(dk_mux *m, size_t max_piece);   /* 0: 256 KiB */
void dk_mux_dispose(dk_mux *m);
/* Append bytes. Invalidates pointers given by dk_mux_next(). 0 or DK_ENOMEM. */
int dk_mux_feed(dk_mux *m, const char *data, size_t len);
/* 1: a payload piece of stream *stream_id at *data, *len bytes (borrowed
 * until the next feed; len > 0); 0: more input needed; <0: DK_EPROTO for a
 * bad header (unknown stream id or non-zero padding), sticky. */
int dk_mux_next(dk_mux *m, int *stream_id, const char **data, size_t *len);
/* Whether dk_mux_next() would make progress now (a piece, an error, or a
 * header to parse) without more input. */
int dk_mux_ready(const dk_mux *m);
/* Bytes held that have not been handed out (headers included). */
size_t dk_mux_pending(const dk_mux *m);
/* At the end of input: 0 at a frame boundary, DK_EPROTO if the input ended
 * inside a header or a payload (the stream was truncated). */
int dk_mux_finish(dk_mux *m);

#endif
