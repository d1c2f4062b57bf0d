/* clibdocker: response streams, pull style and push style.
 * SPDX-License-Identifier: Apache-2.0 */
#ifndef CLIBDOCKER_STREAM_H
#define CLIBDOCKER_STREAM_H

#include "common.h"

DK_BEGIN_DECL

/** What a stream yields per message. */
typedef enum {
	DK_STREAM_JSON = 1, /**< one complete JSON value per message */
	DK_STREAM_RAW = 2,  /**< raw bytes as they arrive */
	DK_STREAM_MUX = 3   /**< multiplexed stdout/stderr frames (logs, attach
	                         and exec of a container without a TTY) */
} dk_stream_kind;

/** Stream ids of multiplexed frames, as dk_stream_next_frame() reports them. */
#define DK_STDIN 0
#define DK_STDOUT 1
#define DK_STDERR 2

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

/**
 * Like dk_stream_next(), also saying which stream the bytes belong to.
 *
 * For DK_STREAM_MUX streams each message is one frame's payload (a frame
 * over 256 KiB comes in several pieces, as its bytes arrive) and
 * `*stream_id` is DK_STDOUT or DK_STDERR (DK_STDIN for an echo of stdin);
 * raw streams (a TTY's output) report everything as DK_STDOUT; JSON streams
 * report 0. An error the engine sends inside a multiplexed stream (stream
 * id 3) ends the stream with DK_ESTREAM and the engine's message. Bytes that
 * arrived before an error are always handed out first.
 *
 * @param stream_id out: the stream id, -1 when no message is returned
 * @return as dk_stream_next()
 */
DK_EXTERN(int) dk_stream_next_frame(dk_stream *s, int *stream_id, const char **data, size_t *len);

/** One run of bytes of a batch: `len` bytes of stream `stream_id`. */
typedef struct dk_stream_run {
	int stream_id;
	size_t len;
} dk_stream_run;

/**
 * Take every message that is ready now, at least one (waiting for it):
 * their payloads concatenated at `*data`, split by `*runs` (in order, with
 * their stream ids). Made for bindings, where each call costs: one call
 * carries up to 1 MiB or 16384 runs. With `merge` non-zero, consecutive
 * frames of the same stream become one run (stdout and stderr still apart
 * and in order); with 0, each frame (or frame piece) is its own run.
 *
 * @param data, len    out: the bytes, borrowed until the next call on `s`
 * @param runs, nruns  out: the runs (their lengths add up to *len), borrowed
 *                     likewise
 * @return 1 with a batch, 0 at the clean end, or an error as
 *         dk_stream_next(); an error that follows data is reported by the
 *         next call, after the data.
 */
DK_EXTERN(int) dk_stream_next_batch(dk_stream *s, int merge, const char **data, size_t *len,
	const dk_stream_run **runs, size_t *nruns);

/** A response header of the stream (case-insensitive name), trimmed, or
 * NULL. Borrowed, valid until dk_stream_free(); not NUL-terminated at
 * `*len` (len may be NULL). */
DK_EXTERN(const char *) dk_stream_header(const dk_stream *s, const char *name, size_t *len);

/** What the stream yields: DK_STREAM_JSON, DK_STREAM_RAW or DK_STREAM_MUX
 * (operations that detect a TTY report what they found). */
DK_EXTERN(int) dk_stream_get_kind(const dk_stream *s);

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

/** What dk_stream_next(), dk_stream_next_frame() and dk_stream_next_batch()
 * return in non-blocking mode when nothing is ready yet. */
#define DK_STREAM_AGAIN 2

/**
 * Non-blocking mode (`on` non-zero) or blocking mode (0, the default). In
 * non-blocking mode the pull functions never wait for the engine: they
 * return what is ready, the end or an error as usual, or DK_STREAM_AGAIN
 * when nothing is ready yet. Then wait as dk_stream_wait_info() says and
 * call again: this is how an event loop (Python's asyncio, epoll, ...) runs
 * many streams in one thread. The mode can be switched between calls.
 */
DK_EXTERN(int) dk_stream_set_nonblocking(dk_stream *s, int on);

/**
 * After DK_STREAM_AGAIN: what to wait for before pulling again.
 * @param fd          out: the socket to watch for readability, or -1
 * @param timeout_ms  out: the longest wait before pulling again anyway
 *                    (libcurl's timers, the idle timeout); 0 = pull again
 *                    now, -1 = no limit (wait for the socket)
 * @return 0, or DK_EINVAL.
 */
DK_EXTERN(int) dk_stream_wait_info(dk_stream *s, int *fd, long *timeout_ms);

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
