/* clibdocker: response streams, pull style and push style.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_STREAM_H
#define CLIBDOCKER_STREAM_H

#include "common.h"

DK_BEGIN_DECL

/** What a stream yields per message. */
typedef enum {
	DK_STREAM_JSON = 1, /**< one complete JSON value per message */
	DK_STREAM_RAW = 2   /**< raw bytes as they arrive */
} dk_stream_kind;

/**
 * Wait for the next message.
 *
 * @param s    the stream
 * @param data out: a borrowed pointer to the message, valid until the next
 *             call on `s`
 * @param len  out: its length in bytes
 * @return 1 with a message, 0 at the clean end of the stream, DK_ECANCELED
 *         after dk_stream_cancel(), DK_ETRANSPORT if the connection was cut
 *         (never reported as a clean end), DK_EPROTO for malformed framing
 *         or a message beyond the size bound, DK_ETIMEOUT if the idle
 *         timeout expired. Memory stays bounded however long it runs.
 * Thread-safety: one thread at a time; dk_stream_cancel() may be called
 * from any thread.
 */
DK_EXTERN(int) dk_stream_next(dk_stream *s, const char **data, size_t *len);

/** A push-style consumer: return 0 to go on, non-zero to stop (the loop then
 * returns DK_EUSER). */
typedef int (*dk_stream_cb)(const char *data, size_t len, void *userdata);

/** Feed every message to `cb` until the end. Returns 0 at the clean end,
 * DK_EUSER if `cb` stopped it, or the error dk_stream_next() gave. */
DK_EXTERN(int) dk_stream_foreach(dk_stream *s, dk_stream_cb cb, void *userdata);

/**
 * Copy the rest of the stream's bytes to a file descriptor (raw streams:
 * export, archives, image save). Memory stays bounded; nothing is
 * buffered whole.
 *
 * @param copied out: bytes written (may be NULL)
 * @return 0 at the clean end, DK_EINVAL if writing to fd failed, or the
 *         error dk_stream_next() gave.
 */
DK_EXTERN(int) dk_stream_copy_fd(dk_stream *s, int fd, uint64_t *copied);

/** Ask the stream to stop. Safe from any thread and from signal-free
 * contexts while another thread waits in dk_stream_next(), which then
 * returns DK_ECANCELED. The stream must still be freed. */
DK_EXTERN(void) dk_stream_cancel(dk_stream *s);

/** The HTTP status of the response (known once the stream is open). */
DK_EXTERN(int) dk_stream_status(const dk_stream *s);

/** Close and free a stream; the trace hook (if any) sees it now. Accepts
 * NULL. Not while another thread is inside dk_stream_next(). */
DK_EXTERN(void) dk_stream_free(dk_stream *s);

DK_END_DECL

#endif
